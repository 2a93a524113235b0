package io.stratoflow.task.code;

import io.stratoflow.datastore.ContentStore;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * A classes directory packed into a jar whose bytes depend only on the names and contents of its
 * files, so the same classes give the same hash on any machine, in any time zone, with any zlib:
 * entries sorted by name, directories included, one fixed timestamp written as a plain DOS time
 * (no extended-timestamp field), no comments, no file attributes, and every entry {@code STORED}
 * (deflate output may differ between zlib builds; the datastore compresses the object anyway).
 * A manifest is not added; a {@code META-INF/MANIFEST.MF} in the directory is packed like any
 * other file.
 */
final class DirectoryJar implements ContentStore.Content {

    /** The fixed time of every entry: the first day of DOS time that no zip tool treats as unset. */
    static final LocalDateTime ENTRY_TIME = LocalDateTime.of(1980, 2, 1, 0, 0);

    private final Path directory;
    private final List<String> names;

    private DirectoryJar(Path directory, List<String> names) {
        this.directory = directory;
        this.names = names;
    }

    /** Lists the directory once; the jar is written from that list, in name order. */
    static DirectoryJar of(Path directory) throws IOException {
        List<String> names = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(directory)) {
            walk.filter(path -> !path.equals(directory)).forEach(path -> {
                String name = entryName(directory.relativize(path));
                names.add(Files.isDirectory(path) ? name + "/" : name);
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        names.sort(null);
        return new DirectoryJar(directory, List.copyOf(names));
    }

    /** True when the directory holds no file at all (only directories, or nothing). */
    boolean isEmpty() {
        return names.stream().allMatch(name -> name.endsWith("/"));
    }

    @Override
    public void writeTo(OutputStream out) throws IOException {
        ZipOutputStream zip = new ZipOutputStream(out);
        zip.setMethod(ZipOutputStream.STORED);
        for (String name : names) {
            Path file = directory.resolve(name);
            ZipEntry entry = new ZipEntry(name);
            entry.setTimeLocal(ENTRY_TIME);
            entry.setMethod(ZipEntry.STORED);
            if (name.endsWith("/")) {
                entry.setSize(0);
                entry.setCrc(0);
                zip.putNextEntry(entry);
            } else {
                CRC32 crc = new CRC32();
                long size;
                try (InputStream in = new CheckedInputStream(Files.newInputStream(file), crc)) {
                    size = in.transferTo(OutputStream.nullOutputStream());
                }
                entry.setSize(size);
                entry.setCompressedSize(size);
                entry.setCrc(crc.getValue());
                zip.putNextEntry(entry);
                Files.copy(file, zip);
            }
            zip.closeEntry();
        }
        zip.finish();
    }

    private static String entryName(Path relative) {
        StringBuilder name = new StringBuilder();
        for (Path part : relative) {
            if (!name.isEmpty()) {
                name.append('/');
            }
            name.append(part);
        }
        return name.toString();
    }
}
