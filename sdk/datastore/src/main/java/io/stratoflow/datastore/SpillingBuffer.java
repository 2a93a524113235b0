package io.stratoflow.datastore;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** An output stream that keeps small content in memory and moves larger content to a temporary file. */
final class SpillingBuffer extends OutputStream {

    private static final int IN_MEMORY_LIMIT = 4 << 20;

    private final Path tempDir;
    private ByteArrayOutputStream memory = new ByteArrayOutputStream(256);
    private Path file;
    private OutputStream fileOut;

    SpillingBuffer(Path tempDir) {
        this.tempDir = tempDir;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        if (fileOut == null && memory.size() + length > IN_MEMORY_LIMIT) {
            Files.createDirectories(tempDir);
            file = Files.createTempFile(tempDir, "spill", ".tmp");
            fileOut = Files.newOutputStream(file);
            memory.writeTo(fileOut);
            memory = null;
        }
        if (fileOut != null) {
            fileOut.write(bytes, offset, length);
        } else {
            memory.write(bytes, offset, length);
        }
    }

    @Override
    public void close() throws IOException {
        if (fileOut != null) {
            fileOut.close();
        }
    }

    InputStream read() throws IOException {
        return file != null ? Files.newInputStream(file) : new ByteArrayInputStream(memory.toByteArray());
    }

    void discard() throws IOException {
        if (file != null) {
            Files.deleteIfExists(file);
        }
    }
}
