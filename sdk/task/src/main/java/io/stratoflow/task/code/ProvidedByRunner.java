package io.stratoflow.task.code;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Decides which classpath entries a code package leaves out because the task runner already
 * provides them in the Pod. An entry is left out when it is
 * <ol>
 *   <li>part of the JDK: it lies under {@code java.home};</li>
 *   <li>a Stratoflow SDK module: the directory or jar holds the resource {@value #MODULE_MARKER}
 *       (each SDK module ships one, holding its {@code groupId:artifactId:version}), whether it
 *       comes from a local repository or from a reactor's {@code target/classes};</li>
 *   <li>a jar of the task runner's runtime dependency closure: its file name is one of the
 *       {@code artifactId-version[-classifier].jar} of {@link RunnerDependencies}. The match is
 *       by exact file name, so a flow that depends on another version of such a library packages
 *       its own jar; in the Pod the runner's copy still comes first (the package's class loader
 *       delegates to the runner's loader first).</li>
 * </ol>
 */
public final class ProvidedByRunner {

    /** The resource that marks a jar or classes directory as a Stratoflow SDK module. */
    public static final String MODULE_MARKER = "META-INF/stratoflow/module";

    private final RunnerDependencies dependencies;
    private final Path javaHome;

    ProvidedByRunner(RunnerDependencies dependencies, Path javaHome) {
        this.dependencies = dependencies;
        this.javaHome = realPath(javaHome);
    }

    /** The rule for the task runner this module is part of, on the current JVM. */
    public static ProvidedByRunner taskRunner() {
        return new ProvidedByRunner(RunnerDependencies.ofTaskRunner(), Path.of(System.getProperty("java.home")));
    }

    /** Why the entry is left out of a package, or empty when it goes in. */
    public Optional<String> reason(Path entry) throws IOException {
        if (realPath(entry).startsWith(javaHome)) {
            return Optional.of("part of the JDK");
        }
        Optional<String> module = sdkModule(entry);
        if (module.isPresent()) {
            return Optional.of("Stratoflow SDK module " + module.get());
        }
        if (Files.isRegularFile(entry)) {
            return dependencies.byFileName(entry.getFileName().toString()).map(d -> "task runner dependency " + d);
        }
        return Optional.empty();
    }

    /** The content of the entry's module marker (what the module is), if it has one. */
    static Optional<String> sdkModule(Path entry) throws IOException {
        if (Files.isDirectory(entry)) {
            Path marker = entry.resolve(MODULE_MARKER);
            return Files.isRegularFile(marker) ? Optional.of(describe(Files.readString(marker, StandardCharsets.UTF_8), entry)) : Optional.empty();
        }
        try (ZipFile jar = new ZipFile(entry.toFile())) {
            ZipEntry marker = jar.getEntry(MODULE_MARKER);
            if (marker == null) {
                return Optional.empty();
            }
            return Optional.of(describe(new String(jar.getInputStream(marker).readAllBytes(), StandardCharsets.UTF_8), entry));
        } catch (ZipException notAJar) {
            return Optional.empty();
        }
    }

    private static String describe(String marker, Path entry) {
        String text = marker.strip();
        return text.isEmpty() ? entry.getFileName().toString() : text;
    }

    private static Path realPath(Path path) {
        try {
            return path.toRealPath();
        } catch (IOException e) {
            return path.toAbsolutePath().normalize();
        }
    }
}
