package io.stratoflow.task.code;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * A JVM's classpath as its application class loader sees it: the entries of
 * {@code java.class.path} in order, each jar followed by the entries its manifest's
 * {@code Class-Path} names (IDEs and test runners shorten long command lines with such
 * "pathing" jars).
 */
final class Classpath {

    private Classpath() {
    }

    static List<Path> current() {
        return parse(System.getProperty("java.class.path", ""));
    }

    static List<Path> parse(String classPath) {
        Set<Path> entries = new LinkedHashSet<>();
        for (String entry : classPath.split(File.pathSeparator)) {
            if (!entry.isBlank()) {
                add(Path.of(entry), entries);
            }
        }
        return new ArrayList<>(entries);
    }

    private static void add(Path entry, Set<Path> entries) {
        Path normalized = entry.toAbsolutePath().normalize();
        if (!entries.add(normalized) || !Files.isRegularFile(normalized)) {
            return;
        }
        for (Path referenced : manifestClassPath(normalized)) {
            add(referenced, entries);
        }
    }

    private static List<Path> manifestClassPath(Path jar) {
        List<Path> referenced = new ArrayList<>();
        try (JarFile file = new JarFile(jar.toFile(), false)) {
            Manifest manifest = file.getManifest();
            String value = manifest == null ? null : manifest.getMainAttributes().getValue(Attributes.Name.CLASS_PATH);
            if (value == null) {
                return referenced;
            }
            URI base = jar.getParent().toUri();
            for (String url : value.trim().split("\\s+")) {
                try {
                    URI resolved = base.resolve(url);
                    if ("file".equals(resolved.getScheme())) {
                        referenced.add(Path.of(resolved));
                    }
                } catch (IllegalArgumentException ignored) {
                    // Not a URL: the JVM's loader ignores it too.
                }
            }
        } catch (IOException notAJar) {
            // Not a jar: the packager reports it if it is ever packaged.
        }
        return referenced;
    }
}
