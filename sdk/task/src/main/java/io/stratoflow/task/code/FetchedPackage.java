package io.stratoflow.task.code;

import java.io.IOException;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.List;

/**
 * A code package brought into the node's cache, ready to run.
 *
 * @param id          the package id
 * @param classpath   the cached jars, in the package's order
 * @param classLoader a loader over them whose parent is the task runner's loader, asked first
 */
public record FetchedPackage(String id, List<Path> classpath, URLClassLoader classLoader) implements AutoCloseable {

    public FetchedPackage {
        classpath = List.copyOf(classpath);
    }

    /** Closes the class loader (the cached files stay for the next task). */
    @Override
    public void close() throws IOException {
        classLoader.close();
    }
}
