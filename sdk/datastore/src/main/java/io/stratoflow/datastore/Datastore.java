package io.stratoflow.datastore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The local datastore: content-addressed artifacts, run and task metadata, and logs, under one
 * directory. By default that is the nearest {@code .stratoflow} directory found by walking up
 * from the working directory, or a new one in the working directory.
 */
public final class Datastore {

    public static final String DIRECTORY_NAME = ".stratoflow";
    public static final String ENVIRONMENT_VARIABLE = "STRATOFLOW_DATASTORE";

    private final Path root;
    private final LocalContentStore content;
    private final ArtifactCodec artifacts;
    private final LocalRunStore runs;

    public Datastore(Path root) {
        this.root = root.toAbsolutePath().normalize();
        this.content = new LocalContentStore(this.root);
        this.artifacts = new ArtifactCodec(content);
        this.runs = new LocalRunStore(this.root);
    }

    /** Finds the datastore: an explicit root, then $STRATOFLOW_DATASTORE, then a {@code .stratoflow} up the tree. */
    public static Datastore locate(Path explicitRoot, Map<String, String> environment, Path workingDirectory) {
        if (explicitRoot != null) {
            return new Datastore(explicitRoot);
        }
        String fromEnvironment = environment.get(ENVIRONMENT_VARIABLE);
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            return new Datastore(Path.of(fromEnvironment));
        }
        for (Path dir = workingDirectory.toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve(DIRECTORY_NAME))) {
                return new Datastore(dir.resolve(DIRECTORY_NAME));
            }
        }
        return new Datastore(workingDirectory.resolve(DIRECTORY_NAME));
    }

    /** Fails early, with a message saying what to do, when the datastore cannot be written. */
    public void checkWritable() {
        try {
            Files.createDirectories(root);
            Path probe = Files.createTempFile(root, "probe", ".tmp");
            Files.delete(probe);
        } catch (IOException e) {
            throw LocalRunStore.unwritable(root, e);
        }
    }

    public Path root() {
        return root;
    }

    public ContentStore content() {
        return content;
    }

    public ArtifactCodec artifacts() {
        return artifacts;
    }

    public LocalRunStore runs() {
        return runs;
    }
}
