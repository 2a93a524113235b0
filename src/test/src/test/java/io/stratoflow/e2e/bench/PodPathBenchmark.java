package io.stratoflow.e2e.bench;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.stratoflow.e2e.support.ClusterFlows;
import io.stratoflow.e2e.support.Runs;
import io.stratoflow.e2e.support.StratoflowCluster;
import io.stratoflow.examples.bench.FanOutFlow;
import io.stratoflow.model.Flow;
import io.stratoflow.task.TaskReport;
import io.stratoflow.task.TaskSpecCodec;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The per-task overhead of the cluster path: a 100-way foreach of trivial Java steps on the
 * executing node (a real kubelet with containerd; the datastore on versitygw), every Pod's life split into
 * its parts. Times between Pod events are taken by a watch in this JVM (the API's timestamps have
 * one-second resolution); times inside the container come from the task runner's report.
 *
 * <pre>./mvnw -q install -DskipTests && ./mvnw -q -pl src/test -Pbenchmark exec:exec -Dbench=io.stratoflow.e2e.bench.PodPathBenchmark -DbenchArgs=100</pre>
 */
public final class PodPathBenchmark {

    private static final String NAMESPACE = "pod-path";

    /** When this JVM saw each Pod created, bound to a node, running, and finished. */
    private record Seen(long created, long scheduled, long running, long finished) {
    }

    public static void main(String[] args) throws Exception {
        int width = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        StratoflowCluster cluster = StratoflowCluster.startStandalone();
        try {
            KubernetesClient client = StratoflowCluster.client();
            StratoflowCluster.createNamespace(NAMESPACE);
            Map<String, long[]> events = new ConcurrentHashMap<>();
            try (Watch watch = client.pods().inNamespace(NAMESPACE).watch(new Watcher<>() {
                @Override
                public void eventReceived(Action action, Pod pod) {
                    long now = System.nanoTime();
                    long[] seen = events.computeIfAbsent(pod.getMetadata().getName(), n -> new long[4]);
                    mark(seen, 0, now);
                    if (pod.getSpec().getNodeName() != null) {
                        mark(seen, 1, now);
                    }
                    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
                    if ("Running".equals(phase) || "Succeeded".equals(phase) || "Failed".equals(phase)) {
                        mark(seen, 2, now);
                    }
                    if ("Succeeded".equals(phase) || "Failed".equals(phase)) {
                        mark(seen, 3, now);
                    }
                }

                @Override
                public void onClose(WatcherException cause) {
                }
            })) {
                Flow flow = ClusterFlows.export(FanOutFlow.class, StratoflowCluster.datastore());
                // Trivial steps: 512 MB each lets 16 run at once on the executing node's 16 GiB.
                flow.getSpec().steps.forEach(step -> step.resources.memory = "512M");
                client.resource(flow).inNamespace(NAMESPACE).serverSideApply();
                long started = System.nanoTime();
                var run = ClusterFlows.run(FanOutFlow.class, "fan-out-" + width, Map.of("width", width));
                run.getSpec().maxWorkers = 16;
                run.getSpec().maxNumSplits = Math.max(100, width);
                client.resource(run).inNamespace(NAMESPACE).create();
                Runs.awaitPhase(client, NAMESPACE, run.getMetadata().getName(), "Succeeded", Duration.ofMinutes(30));
                double wall = (System.nanoTime() - started) / 1e9;
                report(width, wall, Runs.pods(client, NAMESPACE, run.getMetadata().getName(), "work"), events);
            }
        } finally {
            cluster.close();
        }
    }

    private static void mark(long[] seen, int index, long now) {
        if (seen[index] == 0) {
            seen[index] = now;
        }
    }

    private static void report(int width, double wall, List<Pod> pods, Map<String, long[]> events) {
        Map<String, List<Double>> parts = new LinkedHashMap<>();
        for (Pod pod : pods) {
            long[] seen = events.get(pod.getMetadata().getName());
            if (seen == null || seen[3] == 0) {
                continue;
            }
            add(parts, "created -> scheduled", (seen[1] - seen[0]) / 1e6);
            add(parts, "scheduled -> running", (seen[2] - seen[1]) / 1e6);
            add(parts, "running -> finished (container)", (seen[3] - seen[2]) / 1e6);
            add(parts, "created -> finished", (seen[3] - seen[0]) / 1e6);
            String message = pod.getStatus().getContainerStatuses().get(0).getState().getTerminated().getMessage();
            TaskReport taskReport = TaskSpecCodec.decodeReport(message);
            if (taskReport != null && taskReport.timings() != null) {
                taskReport.timings().forEach((phase, millis) -> add(parts, "  in container: " + phase, millis.doubleValue()));
            }
        }
        System.out.printf(Locale.ROOT, "Pod path: %d-way foreach of trivial Java steps on the executing node, Run succeeded after %.1f s "
                + "(%d work Pods measured)%n", width, wall, parts.getOrDefault("created -> finished", List.of()).size());
        System.out.printf(Locale.ROOT, "%-36s %10s %10s %10s%n", "part (ms)", "median", "p90", "max");
        parts.forEach((name, values) -> {
            List<Double> sorted = new ArrayList<>(values);
            sorted.sort(Double::compare);
            System.out.printf(Locale.ROOT, "%-36s %10.0f %10.0f %10.0f%n", name, percentile(sorted, 50), percentile(sorted, 90),
                    sorted.get(sorted.size() - 1));
        });
    }

    private static void add(Map<String, List<Double>> parts, String name, double millis) {
        parts.computeIfAbsent(name, n -> new ArrayList<>()).add(millis);
    }

    private static double percentile(List<Double> sorted, int p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }
}
