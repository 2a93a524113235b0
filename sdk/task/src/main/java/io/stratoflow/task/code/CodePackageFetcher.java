package io.stratoflow.task.code;

import io.stratoflow.datastore.ContentStore;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Brings a code package from the datastore into a local cache, inside a task's Pod, and gives
 * the class loader its step runs in.
 *
 * <p>Cached files are named by their hash ({@code <sha256>.jar}, the manifest {@code <id>.json}),
 * so every task on the node shares them and a second task downloads nothing. Each download goes
 * to a temporary file in the cache directory, is checked against its SHA-256 (and the size the
 * manifest gives) while it streams, and is then renamed into place atomically: a cached file is
 * always complete and correct, and tasks racing on the same file are harmless.
 *
 * <pre>{@code
 * try (FetchedPackage code = CodePackageFetcher.fetch(contentStore, packageId, cacheDir)) {
 *     Class<?> flow = code.classLoader().loadClass(flowClassName);
 * }
 * }</pre>
 */
public final class CodePackageFetcher {

    private final ContentStore store;
    private final String storeDescription;
    private final Path cacheDir;

    /**
     * @param storeDescription where the datastore is, for messages (e.g. {@code DatastoreLocation.describe()})
     * @param cacheDir         the node's cache directory; created when missing
     */
    public CodePackageFetcher(ContentStore store, String storeDescription, Path cacheDir) {
        this.store = store;
        this.storeDescription = storeDescription;
        this.cacheDir = cacheDir;
    }

    /** Fetches a package with a loader whose parent is the task runner's loader. */
    public static FetchedPackage fetch(ContentStore store, String packageId, Path cacheDir) throws IOException {
        return new CodePackageFetcher(store, String.valueOf(store), cacheDir).fetch(packageId, CodePackageFetcher.class.getClassLoader());
    }

    /**
     * Fetches the package's manifest and entries into the cache (what is there already is reused).
     *
     * @param parent the loader asked first for every class: the task runner's
     * @throws CodePackageException when the package or one of its entries is missing from the
     *                              datastore or does not match its hash
     */
    public FetchedPackage fetch(String packageId, ClassLoader parent) throws IOException {
        if (!Sha256.isHash(packageId)) {
            throw new CodePackageException("'" + packageId + "' is not a code package id (the SHA-256 of its manifest, 64 hex digits)");
        }
        Files.createDirectories(cacheDir);
        CodeManifest manifest;
        try (InputStream in = Files.newInputStream(cached(packageId, ".json", -1, "code package " + packageId))) {
            manifest = CodeManifest.readFrom(in, packageId);
        }
        List<Path> classpath = new ArrayList<>();
        List<URL> urls = new ArrayList<>();
        for (CodeManifest.Entry entry : manifest.entries()) {
            String subject = "entry " + entry.name() + " (" + entry.sha256() + ") of code package " + packageId;
            Path jar = cached(entry.sha256(), ".jar", entry.size(), subject);
            classpath.add(jar);
            urls.add(jar.toUri().toURL());
        }
        URLClassLoader loader = new URLClassLoader("stratoflow-code-" + packageId.substring(0, 12), urls.toArray(URL[]::new), parent);
        return new FetchedPackage(packageId, classpath, loader);
    }

    /**
     * The cached file of an object, downloaded first when the cache does not hold it.
     *
     * @param size    the expected size, or -1 when unknown
     * @param subject what the object is, for messages
     */
    private Path cached(String hash, String suffix, long size, String subject) throws IOException {
        Path target = cacheDir.resolve(hash + suffix);
        if (Files.isRegularFile(target) && (size < 0 || Files.size(target) == size)) {
            return target;
        }
        // Not createTempFile: that makes the file private to this user, and the cache is the node's.
        Path partial = cacheDir.resolve(hash + "." + UUID.randomUUID() + ".partial");
        try {
            download(hash, size, subject, partial);
            move(partial, target);
        } finally {
            Files.deleteIfExists(partial);
        }
        return target;
    }

    /** Streams the object into the file, hashing it on the way, and refuses what does not match. */
    private void download(String hash, long size, String subject, Path partial) throws IOException {
        MessageDigest digest = Sha256.newDigest();
        long length = 0;
        try (InputStream in = open(hash, subject); OutputStream out = Files.newOutputStream(partial, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            byte[] buffer = new byte[64 * 1024];
            for (int n = read(in, buffer, hash, subject); n >= 0; n = read(in, buffer, hash, subject)) {
                digest.update(buffer, 0, n);
                out.write(buffer, 0, n);
                length += n;
            }
        }
        String actual = Sha256.hex(digest);
        if (!actual.equals(hash) || (size >= 0 && length != size)) {
            throw new CodePackageException(subject + " is corrupt in the datastore " + storeDescription
                    + ": its SHA-256 is " + actual + " (" + length + " bytes), the package expects " + hash
                    + (size >= 0 ? " (" + size + " bytes)" : "") + "; delete object " + hash
                    + " from the datastore and run `export`/`run --with kubernetes` again to upload it");
        }
    }

    private InputStream open(String hash, String subject) throws IOException {
        try {
            return store.open(hash);
        } catch (IOException e) {
            throw unreadable(hash, subject, e);
        }
    }

    private int read(InputStream in, byte[] buffer, String hash, String subject) throws IOException {
        try {
            return in.read(buffer);
        } catch (IOException e) {
            throw unreadable(hash, subject, e);
        }
    }

    /** Says whether the object is missing (the package must be uploaded again) or there but unreadable. */
    private CodePackageException unreadable(String hash, String subject, IOException e) {
        if (!store.contains(hash)) {
            return new CodePackageException(subject + " is not in the datastore " + storeDescription
                    + "; run `export`/`run --with kubernetes` again to upload it", e);
        }
        return new CodePackageException("cannot read " + subject + " from the datastore " + storeDescription + ": " + e.getMessage(), e);
    }

    private static void move(Path partial, Path target) throws IOException {
        try {
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING);
        } catch (FileAlreadyExistsException raced) {
            // Another task on the node cached the same object first: identical by its hash.
        }
    }
}
