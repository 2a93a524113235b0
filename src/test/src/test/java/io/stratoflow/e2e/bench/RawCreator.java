package io.stratoflow.e2e.bench;

import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;
import java.util.concurrent.Callable;

/** What a raw strategy holds while it runs (clients, threads). */
interface RawCreator extends AutoCloseable {
    /** Readies these Pods for creation (not timed: e.g. serialising them ahead); the returned action creates them all. */
    Callable<Void> prepare(String namespace, List<Pod> pods);

    @Override
    void close();
}
