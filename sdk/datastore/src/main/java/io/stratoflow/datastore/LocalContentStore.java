package io.stratoflow.datastore;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;

/** A content store in a directory: {@code objects/ab/cdef…}, each object deflate-compressed. */
public final class LocalContentStore implements ContentStore {

    private final Path objects;
    private final Path temp;

    public LocalContentStore(Path root) {
        this.objects = root.resolve("objects");
        this.temp = root.resolve("tmp");
    }

    @Override
    public String put(Content content) throws IOException {
        SpillingBuffer buffer = new SpillingBuffer(temp);
        MessageDigest digest = sha256();
        try (OutputStream out = new DigestOutputStream(buffer, digest)) {
            content.writeTo(out);
        }
        String hash = HexFormat.of().formatHex(digest.digest());
        try {
            Path target = pathOf(hash);
            if (!Files.exists(target)) {
                store(buffer, target);
            }
        } finally {
            buffer.discard();
        }
        return hash;
    }

    private void store(SpillingBuffer buffer, Path target) throws IOException {
        Files.createDirectories(target.getParent());
        Files.createDirectories(temp);
        Path partial = Files.createTempFile(temp, "object", ".partial");
        try {
            Deflater deflater = new Deflater(Deflater.BEST_SPEED);
            try (InputStream in = buffer.read();
                 OutputStream out = new DeflaterOutputStream(Files.newOutputStream(partial), deflater, 64 * 1024)) {
                in.transferTo(out);
            } finally {
                deflater.end();
            }
            try {
                Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(partial, target);
            }
        } catch (FileAlreadyExistsException raced) {
            // Another writer stored the same content first: it is identical by construction.
        } finally {
            Files.deleteIfExists(partial);
        }
    }

    @Override
    public InputStream open(String hash) throws IOException {
        try {
            Inflater inflater = new Inflater();
            return new InflaterInputStream(Files.newInputStream(pathOf(hash)), inflater, 64 * 1024) {
                @Override
                public void close() throws IOException {
                    super.close();
                    inflater.end();
                }
            };
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException("object " + hash + " is missing from the datastore at " + objects.getParent());
        }
    }

    @Override
    public boolean contains(String hash) {
        return Files.exists(pathOf(hash));
    }

    private Path pathOf(String hash) {
        if (hash.length() < 3 || !hash.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            throw new IllegalArgumentException("not a content hash: " + hash);
        }
        return objects.resolve(hash.substring(0, 2)).resolve(hash.substring(2));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new UncheckedIOException(new IOException("SHA-256 is not available", e));
        }
    }
}
