package io.stratoflow.examples.bench;

import io.stratoflow.datastore.Datastore;
import io.stratoflow.definition.FlowDefinition;
import io.stratoflow.definition.FlowIntrospector;
import io.stratoflow.runtime.LocalRuntime;
import io.stratoflow.runtime.ProgressListener;
import io.stratoflow.runtime.RunOptions;
import io.stratoflow.runtime.RunOutcome;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Runs {@link FanOutFlow} locally with 100 and 1000 branches and prints wall time, per-task
 * overhead and the orchestrator's peak heap. Run it with a small heap (-Xmx128m) to show the
 * orchestrator fits.
 */
public final class LocalForeachBenchmark {

    private LocalForeachBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        int[] widths = args.length == 0 ? new int[] {100, 1000} : Stream.of(args).mapToInt(Integer::parseInt).toArray();
        FlowDefinition flow = FlowIntrospector.inspect(FanOutFlow.class);
        System.out.printf(Locale.ROOT, "Local foreach benchmark: %d cores, orchestrator max heap %d MiB, max workers %d%n",
                Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20, 16);
        System.out.printf(Locale.ROOT, "%8s %8s %10s %16s %18s %8s  %s%n", "width", "tasks", "wall (s)", "per task (ms)", "peak heap (MiB)",
                "workers", "result");
        for (int width : widths) {
            Path root = Files.createTempDirectory("stratoflow-bench");
            try {
                resetPeaks();
                long started = System.nanoTime();
                RunOutcome outcome = new LocalRuntime(new Datastore(root), ProgressListener.SILENT)
                        .run(flow, new RunOptions(Map.of("width", width), 16, Math.max(width, 1)));
                double seconds = (System.nanoTime() - started) / 1e9;
                int tasks = width + 3;
                System.out.printf(Locale.ROOT, "%8d %8d %10.2f %16.1f %18.1f %8d  %s%n", width, tasks, seconds, seconds * 1000 / tasks,
                        peakHeapMiB(), workersStarted(root), outcome.phase() + (outcome.message() == null ? "" : ": " + outcome.message()));
            } finally {
                deleteTree(root);
            }
        }
    }

    /** Each worker JVM leaves a log file of its own in the datastore's temporary directory. */
    private static long workersStarted(Path root) throws IOException {
        Path logs = root.resolve("tmp").resolve("workers");
        if (!Files.isDirectory(logs)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(logs)) {
            return files.filter(f -> f.getFileName().toString().startsWith("worker-")).count();
        }
    }

    private static void resetPeaks() {
        System.gc();
        ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
    }

    /** The sum of the heap pools' peaks: an upper bound of the heap in use at any moment. */
    private static double peakHeapMiB() {
        long bytes = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                bytes += pool.getPeakUsage().getUsed();
            }
        }
        return bytes / (1024.0 * 1024.0);
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
