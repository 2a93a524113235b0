package io.stratoflow.task.runner;

import io.stratoflow.datastore.Datastore;
import io.stratoflow.task.TaskSpec;

import io.stratoflow.task.code.CodePackageFetcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** The class loader that holds a task's flow: its code package when it names one, else the runner's own classpath. */
final class CodeLoader {

    /** Where fetched code packages are cached; a directory the container may write. */
    static final Path CACHE = Path.of(System.getProperty("java.io.tmpdir"), "stratoflow-code");

    private CodeLoader() {
    }

    static ClassLoader classLoaderFor(TaskSpec spec, Datastore datastore, ClassLoader runner) {
        if (spec.codePackage() == null) {
            return runner;
        }
        try {
            return new CodePackageFetcher(datastore.content(), datastore.location().describe(), CACHE).fetch(spec.codePackage(), runner)
                    .classLoader();
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }
}
