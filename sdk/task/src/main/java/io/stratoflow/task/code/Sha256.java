package io.stratoflow.task.code;

import io.stratoflow.datastore.ContentStore;

import java.io.IOException;
import java.io.OutputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** SHA-256, the content address of the datastore, computed the way {@link ContentStore#put} does. */
final class Sha256 {

    private static final Pattern HEX = Pattern.compile("[0-9a-f]{64}");

    /** The hash and the size of some content. */
    record Digest(String hash, long size) {
    }

    private Sha256() {
    }

    /** Writes the content into nothing but a digest. */
    static Digest of(ContentStore.Content content) throws IOException {
        MessageDigest digest = newDigest();
        CountingOutputStream counter = new CountingOutputStream();
        try (OutputStream out = new DigestOutputStream(counter, digest)) {
            content.writeTo(out);
        }
        return new Digest(hex(digest), counter.count);
    }

    static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this JVM", e);
        }
    }

    static String hex(MessageDigest digest) {
        return HexFormat.of().formatHex(digest.digest());
    }

    static boolean isHash(String value) {
        return value != null && HEX.matcher(value).matches();
    }

    private static final class CountingOutputStream extends OutputStream {
        long count;

        @Override
        public void write(int b) {
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            count += len;
        }
    }
}
