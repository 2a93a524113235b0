package io.stratoflow.task.code;

import io.stratoflow.datastore.ContentStore;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Stores a flow's code in the datastore as a code package, so that a Pod runs the flow's steps on
 * a generic Java image plus the task runner.
 *
 * <p><b>What goes in.</b> Each classpath entry, in order, except what the task runner already
 * provides in the Pod ({@link ProvidedByRunner}):
 * <ul>
 *   <li>the JDK: entries under {@code java.home};</li>
 *   <li>the Stratoflow SDK modules: a directory or jar that holds the resource
 *       {@value ProvidedByRunner#MODULE_MARKER};</li>
 *   <li>the runner's runtime dependencies: a jar whose file name is
 *       {@code artifactId-version[-classifier].jar} of one of the dependencies this module's build
 *       lists in {@value RunnerDependencies#RESOURCE} ({@code dependency:list}, runtime scope).
 *       Another version of such a library is packaged; in the Pod the runner's copy wins, since
 *       the package's loader asks the runner's loader first.</li>
 * </ul>
 * Missing entries, files that are not jars and directories without files are skipped, as the JVM
 * skips them; content that already appeared earlier on the classpath is stored once.
 *
 * <p><b>How it is stored.</b> A jar as it is, a classes directory packed into a deterministic jar
 * ({@link DirectoryJar}); each by its SHA-256, uploaded only when the datastore does not hold it
 * yet. Then the manifest ({@link CodeManifest}: names, hashes and sizes in classpath order), stored
 * the same way: its hash is the package id. The same code packaged twice gives the same id and
 * uploads nothing; after an edit only the changed classes jar goes up.
 *
 * <pre>{@code
 * StoredPackage stored = CodePackager.forCurrentClasspath().store(contentStore);
 * System.out.println(stored.summary());
 * }</pre>
 */
public final class CodePackager {

    private final List<Path> classpath;
    private final ProvidedByRunner provided;

    CodePackager(List<Path> classpath, ProvidedByRunner provided) {
        this.classpath = List.copyOf(classpath);
        this.provided = provided;
    }

    /** Packages the classpath of this JVM ({@code java.class.path}, with the jars' {@code Class-Path}). */
    public static CodePackager forCurrentClasspath() {
        return forClasspath(Classpath.current());
    }

    /** Packages the given classpath: directories and jar files, in the order a class loader searches them. */
    public static CodePackager forClasspath(List<Path> classpath) {
        return new CodePackager(classpath, ProvidedByRunner.taskRunner());
    }

    /** The classpath entries that go into the package, in order. */
    public List<Path> entries() throws IOException {
        List<Path> entries = new ArrayList<>();
        for (Path entry : classpath) {
            if (isDirectoryOrJar(entry) && provided.reason(entry).isEmpty()) {
                entries.add(entry);
            }
        }
        return entries;
    }

    /** What a class loader can read: a directory, or a file that starts like a zip. Anything else it ignores, and so does a package. */
    private static boolean isDirectoryOrJar(Path entry) throws IOException {
        if (Files.isDirectory(entry)) {
            return true;
        }
        if (!Files.isRegularFile(entry)) {
            return false;
        }
        byte[] magic = new byte[4];
        try (InputStream in = Files.newInputStream(entry)) {
            return in.readNBytes(magic, 0, 4) == 4 && magic[0] == 'P' && magic[1] == 'K' && (magic[2] == 3 || magic[2] == 5);
        }
    }

    /** Stores what the datastore does not hold yet, then the manifest; returns the package id and the upload counts. */
    public StoredPackage store(ContentStore store) throws IOException {
        List<CodeManifest.Entry> stored = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        int uploaded = 0;
        long uploadedBytes = 0;
        long bytes = 0;
        for (Path path : entries()) {
            PackageEntry entry = PackageEntry.of(path);
            if (entry == null) {
                continue;
            }
            ContentStore.Content content = entry.content();
            Sha256.Digest digest = Sha256.of(content);
            if (!seen.add(digest.hash())) {
                continue;
            }
            if (!store.contains(digest.hash())) {
                String hash = store.put(content);
                if (!hash.equals(digest.hash())) {
                    throw new CodePackageException(path + " changed while it was being packaged; package the flow again");
                }
                uploaded++;
                uploadedBytes += digest.size();
            }
            stored.add(new CodeManifest.Entry(entry.name(), digest.hash(), digest.size()));
            bytes += digest.size();
        }
        CodeManifest manifest = new CodeManifest(stored);
        String id = store.put(manifest::writeTo);
        return new StoredPackage(id, stored.size(), uploaded, uploadedBytes, bytes);
    }

    /** A classpath entry as the package holds it: a name for people and the bytes of a jar. */
    private record PackageEntry(String name, ContentStore.Content content) {

        /** A jar as it is; a directory packed into a jar; null for a directory without files. */
        static PackageEntry of(Path path) throws IOException {
            if (!Files.isDirectory(path)) {
                return new PackageEntry(path.getFileName().toString(), out -> Files.copy(path, out));
            }
            DirectoryJar jar = DirectoryJar.of(path);
            String name = (path.getFileName() == null ? "classes" : path.getFileName().toString()) + ".jar";
            return jar.isEmpty() ? null : new PackageEntry(name, jar);
        }
    }
}
