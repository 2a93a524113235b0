package io.stratoflow.operator.run;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** The daemon threads that send Pod creates or deletes while a pass goes on, as many as the operator's settings allow. */
final class PodRequestThreads {

    private PodRequestThreads() {
    }

    static ExecutorService named(String name, int threads) {
        return Executors.newFixedThreadPool(Math.max(1, threads), task -> {
            Thread thread = new Thread(task, name);
            thread.setDaemon(true);
            return thread;
        });
    }
}
