package io.stratoflow.datastore;

import io.stratoflow.datastore.storage.LocalStorage;
import io.stratoflow.datastore.storage.S3Settings;
import io.stratoflow.datastore.storage.S3Storage;
import io.stratoflow.datastore.storage.Storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A datastore: content-addressed artifacts, run and task metadata, and logs, on one
 * {@link Storage}, a local directory or an S3 bucket, with the same layout on both.
 *
 * <pre>{@code
 * Datastore local = Datastore.open(DatastoreLocation.local(Path.of(".stratoflow")));
 * Datastore s3 = Datastore.open(new DatastoreLocation("s3://bucket/prefix", null, null, null));
 * }</pre>
 *
 * For the command line, the local default is the nearest {@code .stratoflow} directory found
 * by walking up from the working directory, or a new one in the working directory
 * ({@link #locate}).
 */
public final class Datastore implements AutoCloseable {

    public static final String DIRECTORY_NAME = ".stratoflow";
    public static final String ENVIRONMENT_VARIABLE = "STRATOFLOW_DATASTORE";

    private final DatastoreLocation location;
    private final Storage storage;
    private final StorageContentStore content;
    private final ArtifactCodec artifacts;
    private final RunStore runs;

    /** The local datastore in a directory. */
    public Datastore(Path root) {
        this(DatastoreLocation.local(root), new LocalStorage(root), StorageContentStore.DEFAULT_CHUNK_SIZE, 0);
    }

    private Datastore(DatastoreLocation location, Storage storage, int chunkSize, int parallelism) {
        this.location = location;
        this.storage = storage;
        this.content = parallelism > 0 ? new StorageContentStore(storage, chunkSize, parallelism) : new StorageContentStore(storage);
        this.artifacts = new ArtifactCodec(content);
        this.runs = storage instanceof LocalStorage local ? new LocalRunStore(local) : new RunStore(storage);
    }

    /**
     * Opens the datastore at a location: a local directory, or {@code s3://bucket/prefix}
     * with the location's endpoint, region and addressing, and credentials from the standard
     * AWS configuration. Nothing is contacted yet: {@link #checkWritable()} checks access.
     */
    public static Datastore open(DatastoreLocation location) {
        return open(location, S3Settings.defaults());
    }

    /** Opens a datastore; {@code s3} tunes an S3 datastore (part size, parallelism, timeouts). */
    public static Datastore open(DatastoreLocation location, S3Settings s3) {
        if (!location.isS3()) {
            return new Datastore(Path.of(location.root()));
        }
        S3Storage storage = S3Storage.open(location, s3, System.getenv());
        return new Datastore(location, storage, s3.chunkSize(), s3.partsInFlight());
    }

    /** Finds the datastore: an explicit root, then $STRATOFLOW_DATASTORE (a directory or s3://…), then a {@code .stratoflow} up the tree. */
    public static Datastore locate(Path explicitRoot, Map<String, String> environment, Path workingDirectory) {
        if (explicitRoot != null) {
            return new Datastore(explicitRoot);
        }
        String fromEnvironment = environment.get(ENVIRONMENT_VARIABLE);
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            return open(DatastoreLocation.parse(fromEnvironment.trim()));
        }
        for (Path dir = workingDirectory.toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve(DIRECTORY_NAME))) {
                return new Datastore(dir.resolve(DIRECTORY_NAME));
            }
        }
        return new Datastore(workingDirectory.resolve(DIRECTORY_NAME));
    }

    /**
     * Fails early, with a message saying what to do, when the datastore cannot be written: a
     * directory that cannot be created or written; a bucket that does not exist, credentials
     * that are refused, an endpoint that does not answer.
     */
    public void checkWritable() {
        if (storage instanceof S3Storage s3) {
            s3.checkWritable();
            return;
        }
        Path root = root();
        try {
            Files.createDirectories(root);
            Path probe = Files.createTempFile(root, "probe", ".tmp");
            Files.delete(probe);
        } catch (IOException e) {
            throw RunStore.unwritable(root.toString(), e);
        }
    }

    /** Where this datastore lives; what a task needs to open it again. */
    public DatastoreLocation location() {
        return location;
    }

    public boolean isLocal() {
        return storage instanceof LocalStorage;
    }

    /** The directory of a local datastore. For an S3 datastore there is none: use {@link #location()}. */
    public Path root() {
        if (storage instanceof LocalStorage local) {
            return local.root();
        }
        throw new IllegalStateException("The datastore " + storage.describe() + " is in S3 and has no local directory");
    }

    /**
     * A local directory for temporary files of this datastore's users (worker pools, spills):
     * {@code <root>/tmp} for a local datastore, a directory under {@code java.io.tmpdir} for S3.
     */
    public Path scratchDirectory() {
        if (storage instanceof LocalStorage local) {
            return local.root().resolve(LocalStorage.TEMP_DIRECTORY);
        }
        return Path.of(System.getProperty("java.io.tmpdir"), "stratoflow-" + System.getProperty("user.name", "user"));
    }

    /** The storage seam under this datastore. */
    public Storage storage() {
        return storage;
    }

    public ContentStore content() {
        return content;
    }

    public ArtifactCodec artifacts() {
        return artifacts;
    }

    public RunStore runs() {
        return runs;
    }

    /** Releases an S3 datastore's connections and threads; a local one holds none. */
    @Override
    public void close() {
        if (storage instanceof S3Storage s3) {
            s3.close();
        }
    }

    @Override
    public String toString() {
        return "Datastore " + storage.describe();
    }
}
