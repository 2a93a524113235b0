package io.stratoflow.datastore.storage;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Storage in a local directory: a key is a file path under the root. A write goes to a
 * partial file under {@code <root>/tmp} and is renamed into place when complete, so readers
 * never see half a file.
 */
public final class LocalStorage implements Storage {

    /** Where partial writes live until they are renamed into place. */
    public static final String TEMP_DIRECTORY = "tmp";

    private final Path root;
    private final Path temp;

    public LocalStorage(Path root) {
        this.root = root.toAbsolutePath().normalize();
        this.temp = this.root.resolve(TEMP_DIRECTORY);
    }

    public Path root() {
        return root;
    }

    @Override
    public void write(String key, Writer writer) throws IOException {
        Path target = pathOf(key);
        Path partial = partialFor(target);
        try {
            try (OutputStream out = Files.newOutputStream(partial)) {
                writer.writeTo(out);
            }
            publish(partial, target);
        } finally {
            Files.deleteIfExists(partial);
        }
    }

    @Override
    public boolean createExclusively(String key, byte[] bytes) throws IOException {
        Path target = pathOf(key);
        Path partial = partialFor(target);
        try {
            Files.write(partial, bytes);
            Files.createLink(target, partial); // link(2) fails when the target exists: exactly one writer wins
            return true;
        } catch (FileAlreadyExistsException taken) {
            return false;
        } finally {
            Files.deleteIfExists(partial);
        }
    }

    @Override
    public InputStream read(String key) throws IOException {
        Path file = pathOf(key);
        try {
            return Files.newInputStream(file);
        } catch (NoSuchFileException | NotDirectoryException e) {
            throw new MissingKeyException(key, describe());
        }
    }

    @Override
    public InputStream read(String key, long offset) throws IOException {
        Path file = pathOf(key);
        try {
            FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
            channel.position(offset);
            return Channels.newInputStream(channel);
        } catch (NoSuchFileException | NotDirectoryException e) {
            throw new MissingKeyException(key, describe());
        }
    }

    @Override
    public boolean exists(String key) {
        return Files.isRegularFile(pathOf(key));
    }

    @Override
    public List<Entry> list(String prefix) throws IOException {
        Path dir = directoryOf(prefix);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Entry> children = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            for (Path child : stream) {
                String name = child.getFileName().toString();
                if (!name.endsWith(".partial")) {
                    children.add(new Entry(name, Files.isDirectory(child)));
                }
            }
        } catch (NoSuchFileException vanished) {
            return List.of();
        }
        return children;
    }

    @Override
    public List<SizedKey> listRecursively(String prefix) throws IOException {
        Path dir = directoryOf(prefix);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<SizedKey> keys = new ArrayList<>();
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path visited, BasicFileAttributes attributes) {
                return visited.equals(temp) ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                if (attributes.isRegularFile() && !file.getFileName().toString().endsWith(".partial")) {
                    keys.add(new SizedKey(dir.relativize(file).toString().replace(File.separatorChar, '/'), attributes.size()));
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
                return FileVisitResult.CONTINUE; // removed while it was listed
            }
        });
        return keys;
    }

    /** The directory holding the keys under {@code prefix} (which ends with '/' unless it is empty). */
    private Path directoryOf(String prefix) {
        String checked = Storage.checkPrefix(prefix);
        return checked.isEmpty() ? root : pathOf(checked);
    }

    @Override
    public void copy(String fromKey, String toKey) throws IOException {
        Path from = pathOf(fromKey);
        if (!Files.isRegularFile(from)) {
            throw new MissingKeyException(fromKey, describe());
        }
        Path target = pathOf(toKey);
        Path partial = partialFor(target);
        try {
            Files.copy(from, partial, StandardCopyOption.REPLACE_EXISTING);
            publish(partial, target);
        } finally {
            Files.deleteIfExists(partial);
        }
    }

    @Override
    public void delete(String key) throws IOException {
        Files.deleteIfExists(pathOf(key));
    }

    @Override
    public Optional<Path> localFile(String key) {
        return Optional.of(pathOf(key));
    }

    @Override
    public String describe() {
        return root.toString();
    }

    private Path pathOf(String key) {
        Path path = root.resolve(Storage.checkKey(key)).normalize();
        if (!path.startsWith(root)) {
            throw new IllegalArgumentException("key " + key + " leaves the datastore at " + root);
        }
        return path;
    }

    private Path partialFor(Path target) throws IOException {
        Files.createDirectories(target.getParent());
        Files.createDirectories(temp);
        return Files.createTempFile(temp, target.getFileName().toString(), ".partial");
    }

    private static void publish(Path partial, Path target) throws IOException {
        try {
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
