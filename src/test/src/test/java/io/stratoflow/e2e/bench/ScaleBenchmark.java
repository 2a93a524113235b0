package io.stratoflow.e2e.bench;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.stratoflow.e2e.support.ControlPlane;
import io.stratoflow.e2e.support.Fixtures;
import io.stratoflow.e2e.support.Flows;
import io.stratoflow.datastore.DatastoreLocation;
import io.stratoflow.e2e.support.OperatorProcess;
import io.stratoflow.e2e.support.StratoflowCluster;
import io.stratoflow.engine.IndexPath;
import io.stratoflow.engine.TaskInputs;
import io.stratoflow.engine.TaskKey;
import io.stratoflow.model.Flow;
import io.stratoflow.model.Run;
import io.stratoflow.model.StepSpec;
import io.stratoflow.operator.pods.TaskPodBuilder;
import io.stratoflow.operator.pods.TaskPodDefaults;
import io.stratoflow.operator.pods.TaskPodNames;
import io.stratoflow.operator.pods.TaskResources;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The operator at scale on a local control plane with 100 KWOK nodes: for a 1,000-way and a
 * 10,000-way foreach, the seconds until every split Pod exists and until the Run succeeds, Pods
 * created per second, the Run's status size, and the operator's peak heap and RSS; beside it, the
 * rate at which a plain fabric8 client creates the same number of equivalent Pods.
 * Run: {@code ./mvnw -pl src/test -am -DskipTests package exec:exec} (see the README);
 * {@code STRATOFLOW_BENCH_OPERATOR_JAVA_OPTIONS} adds JVM options to the operator (e.g. a flight recording).
 */
public final class ScaleBenchmark {

    private static final int NODES = 100;
    private static final int CLIENT_THREADS = 16;

    private final Path project = ControlPlane.projectDir();
    private KubernetesClient client;
    /** The operator's identity (its ServiceAccount), which the raw client creates Pods with. */
    private KubernetesClient asOperator;
    private OperatorProcess operator;
    /** The datastore the simulated tasks would use: KWOK runs nothing, so nothing opens it. */
    private static final DatastoreLocation SIMULATED_DATASTORE = new DatastoreLocation("s3://simulated/stratoflow", null, null, null);

    public static void main(String[] args) throws Exception {
        int[] widths = args.length == 0 ? new int[] {1000, 10000} : java.util.Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
        new ScaleBenchmark().run(widths);
    }

    private void run(int[] widths) throws Exception {
        Path nodes = project.resolve("src/test/target/bench-nodes.yaml");
        Files.createDirectories(nodes.getParent());
        Files.writeString(nodes, nodes(NODES));
        ControlPlane controlPlane = new ControlPlane(project, "bench-cluster", 100,
                Map.of("STRATOFLOW_NODES_FILE", nodes.toString(), "STRATOFLOW_CLUSTER_TIMEOUT", "900", "STRATOFLOW_EXEC_NODES", "0"));
        controlPlane.start();
        try {
            client = StratoflowCluster.install(project, controlPlane);
            Path operatorKubeconfig = StratoflowCluster.serviceAccountKubeconfig(project, client, "bench.kubeconfig");
            asOperator = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(Files.readString(operatorKubeconfig))).build();
            operator = new OperatorProcess(project, operatorKubeconfig,
                    Map.of("POD_NAMESPACE", StratoflowCluster.OPERATOR_NAMESPACE,
                            "STRATOFLOW_OPERATOR_POD_CREATES_PER_SECOND", "100000",
                            "STRATOFLOW_OPERATOR_POD_CREATION_THREADS", Integer.toString(CLIENT_THREADS),
                            "JAVA_TOOL_OPTIONS", "-Xmx128m -XX:+UseSerialGC -XX:MaxMetaspaceSize=128m -XX:ReservedCodeCacheSize=48m -Xss512k "
                                    + "-XX:TrimNativeHeapInterval=5000 -XX:TieredStopAtLevel=1 "
                                    + System.getenv().getOrDefault("STRATOFLOW_BENCH_OPERATOR_JAVA_OPTIONS", ""),
                            "MALLOC_ARENA_MAX", "2",
                            // Simulated SDK steps need a datastore to be admitted; nothing is written to it.
                            "STRATOFLOW_OPERATOR_DATASTORE_ROOT", SIMULATED_DATASTORE.root(),
                            // One replica: an API server slowed down by the load must not cost it the lease and the run.
                            "STRATOFLOW_LEADER_ELECTION_ENABLED", "false"),
                    project.resolve("src/test/target/bench-logs"));
            operator.start();
            System.out.printf(Locale.ROOT, "Scale benchmark: %d KWOK nodes, %d cores, operator pid %d%n", NODES,
                    Runtime.getRuntime().availableProcessors(), operator.pid());
            System.out.printf(Locale.ROOT, "%8s %12s %14s %16s %16s %14s %10s %12s %14s %14s %14s%n", "width", "raw pods/s", "pods exist (s)",
                    "operator pods/s", "last split (s)", "succeeded (s)", "tail (s)", "of raw rate", "status bytes", "peak heap MiB", "peak RSS MiB");
            for (int width : widths) {
                double raw = rawCreateRate(width);
                measure(width, raw);
            }
        } finally {
            if (operator != null) {
                operator.kill();
            }
            if (client != null) {
                client.close();
            }
            if (asOperator != null) {
                asOperator.close();
            }
            controlPlane.stop();
        }
    }

    /**
     * A plain fabric8 client creating equivalent Pods as fast as the API server accepts them, with
     * the operator's identity (its ServiceAccount token, which the API server authenticates and
     * authorizes on every request): the very Pods the operator builds for the same flow (labels,
     * environment, security context, and a Run as controlling owner, which the garbage collector
     * tracks), except that they lack the
     * label by which the operator watches task Pods, so that the operator stays out of this
     * measurement. Their Run names a Flow that does not exist, so no task of it ever starts.
     */
    private double rawCreateRate(int width) throws Exception {
        String namespace = "raw-" + width;
        StratoflowCluster.createNamespace(namespace, client);
        Flow flow = benchFlow(width);
        Run owner = client.resource(Flows.run("raw-owner", "no-such-flow", width, width)).inNamespace(namespace).create();
        TaskPodBuilder builder = new TaskPodBuilder(new TaskPodDefaults("stratoflow/task-runner:0.1.0", null, null));
        StepSpec work = Fixtures.step(flow, "work");
        TaskResources resources = TaskResources.of(work, null);
        TaskInputs fromStart = new TaskInputs.Parents(List.of(TaskKey.root("start")));
        ExecutorService threads = Executors.newFixedThreadPool(CLIENT_THREADS);
        AtomicInteger next = new AtomicInteger();
        // The operator's measurement watches its split Pods; this one watches the raw Pods alike, so
        // that both pay the API server the same for being observed.
        SharedIndexInformer<Pod> observer = client.pods().inNamespace(namespace).withLabel("stratoflow.io/step", "work").inform();
        long started = System.nanoTime();
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < CLIENT_THREADS; t++) {
            done.add(threads.submit(() -> {
                for (int i = next.getAndIncrement(); i < width; i = next.getAndIncrement()) {
                    Pod pod = builder.build(owner, flow.getSpec(), work, new TaskKey("work", IndexPath.of(i)), 0, fromStart, resources, null,
                            SIMULATED_DATASTORE);
                    pod.getMetadata().getLabels().remove(TaskPodNames.RUN_LABEL);
                    createPersistently(namespace, pod);
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        double rate = width / ((System.nanoTime() - started) / 1e9);
        threads.shutdown();
        observer.close();
        deleteAndWait(namespace);
        return rate;
    }

    /**
     * Creates a Pod, trying again when the API server, saturated by the measurement itself, lets
     * a request time out; a Pod that a timed-out request did create counts once.
     */
    private void createPersistently(String namespace, Pod pod) {
        for (int attempt = 1; ; attempt++) {
            try {
                asOperator.pods().inNamespace(namespace).resource(pod).create();
                return;
            } catch (KubernetesClientException e) {
                if (e.getCode() == 409) {
                    return;
                }
                boolean transientFailure = e.getCode() == 0 || e.getCode() == 429 || e.getCode() >= 500;
                if (!transientFailure || attempt == 5) {
                    throw e;
                }
            }
        }
    }

    /** A start step that fans out over {@code width} work tasks of 100m CPU and 64M that each run for a second. */
    private static Flow benchFlow(int width) {
        Flow flow = Flows.fanOut("fan-out", width, "100m", "64M", null);
        Fixtures.runsFor(Fixtures.step(flow, "work"), 1000);
        return flow;
    }

    private void measure(int width, double rawRate) throws Exception {
        String namespace = "bench-" + width;
        StratoflowCluster.createNamespace(namespace, client);
        Flow flow = benchFlow(width);
        client.resource(flow).inNamespace(namespace).create();
        String runName = "fan-out-" + width;
        AtomicInteger workPods = new AtomicInteger();
        AtomicLong firstWorkPodNanos = new AtomicLong();
        AtomicLong lastWorkPodNanos = new AtomicLong();
        AtomicInteger workPodsDone = new AtomicInteger();
        AtomicLong lastDoneNanos = new AtomicLong();
        SharedIndexInformer<Pod> informer = client.pods().inNamespace(namespace).withLabel("stratoflow.io/step", "work")
                .inform(new ResourceEventHandler<>() {
                    @Override
                    public void onAdd(Pod pod) {
                        int seen = workPods.incrementAndGet();
                        if (seen == 1) {
                            firstWorkPodNanos.set(System.nanoTime());
                        }
                        if (seen == width) {
                            lastWorkPodNanos.set(System.nanoTime());
                        }
                    }

                    @Override
                    public void onUpdate(Pod before, Pod after) {
                        if (succeeded(after) && !succeeded(before) && workPodsDone.incrementAndGet() == width) {
                            lastDoneNanos.set(System.nanoTime());
                        }
                    }

                    @Override
                    public void onDelete(Pod pod, boolean unknown) {
                    }
                });
        MemorySampler memory = new MemorySampler(operator);
        memory.start();
        long started = System.nanoTime();
        client.resource(Flows.run(runName, "fan-out", width, width)).inNamespace(namespace).create();
        Run run;
        while (true) {
            run = client.resources(Run.class).inNamespace(namespace).withName(runName).get();
            String phase = run.getStatus() == null ? null : run.getStatus().phase;
            if ("Succeeded".equals(phase) || "Failed".equals(phase)) {
                break;
            }
            Thread.sleep(1000);
        }
        double succeeded = (System.nanoTime() - started) / 1e9;
        memory.stop();
        informer.close();
        double exist = (lastWorkPodNanos.get() - started) / 1e9;
        // when a watch saw the last split Pod Succeeded, and how long the Run took to succeed after it
        double lastDone = (lastDoneNanos.get() - started) / 1e9;
        double tail = succeeded - lastDone;
        int statusBytes = new KubernetesSerialization().asJson(run.getStatus()).getBytes(StandardCharsets.UTF_8).length;
        // The creation rate counts from the first split Pod: before it, the start task runs and reports the fan-out.
        double rate = width / Math.max(1e-3, (lastWorkPodNanos.get() - firstWorkPodNanos.get()) / 1e9);
        System.out.printf(Locale.ROOT, "%8d %12.1f %14.1f %16.1f %16.1f %14.1f %10.1f %11.0f%% %14d %14.1f %14.1f  %s%n", width, rawRate,
                exist, rate, lastDone, succeeded, tail, 100 * rate / rawRate, statusBytes, memory.peakHeapMiB(), memory.peakRssMiB(),
                "Succeeded".equals(run.getStatus().phase) ? "" : run.getStatus().phase + ": " + run.getStatus().message);
        deleteAndWait(namespace);
    }

    private static boolean succeeded(Pod pod) {
        return pod.getStatus() != null && "Succeeded".equals(pod.getStatus().getPhase());
    }

    /** Deletes a namespace and waits until it is gone, so that its Pods do not load the next measurement. */
    private void deleteAndWait(String namespace) throws InterruptedException {
        client.namespaces().withName(namespace).delete();
        while (client.namespaces().withName(namespace).get() != null) {
            Thread.sleep(1000);
        }
    }

    /** Samples the operator's heap (from its metrics endpoint) and its peak RSS (from /proc). */
    private static final class MemorySampler {
        private final OperatorProcess operator;
        private final HttpClient http = HttpClient.newHttpClient();
        private final java.util.concurrent.ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        private volatile double peakHeapBytes;

        MemorySampler(OperatorProcess operator) {
            this.operator = operator;
        }

        void start() {
            timer.scheduleAtFixedRate(this::sample, 0, 500, TimeUnit.MILLISECONDS);
        }

        void stop() throws InterruptedException {
            timer.shutdown();
            timer.awaitTermination(5, TimeUnit.SECONDS);
        }

        private void sample() {
            try {
                String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + operator.port() + "/q/metrics")).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                double heap = metrics.lines().filter(l -> l.startsWith("jvm_memory_used_bytes{") && l.contains("area=\"heap\""))
                        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
                peakHeapBytes = Math.max(peakHeapBytes, heap);
            } catch (IOException | RuntimeException e) {
                // the operator may be busy; the next sample counts
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        double peakHeapMiB() {
            return peakHeapBytes / (1 << 20);
        }

        /** VmHWM: the largest resident set the process has had. */
        double peakRssMiB() throws IOException {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(operator.pid()), "status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
            return -1;
        }
    }

    private static String nodes(int count) {
        StringBuilder yaml = new StringBuilder();
        for (int i = 0; i < count; i++) {
            yaml.append("""
                    ---
                    apiVersion: v1
                    kind: Node
                    metadata:
                      name: bench-%d
                      annotations: {kwok.x-k8s.io/node: fake, node.alpha.kubernetes.io/ttl: "0"}
                      labels: {type: kwok, kubernetes.io/hostname: bench-%d, kubernetes.io/os: linux, kubernetes.io/arch: amd64, outerbounds.co/provider: aws}
                    spec: {}
                    status:
                      capacity: {cpu: "32", memory: 128Gi, pods: "250", ephemeral-storage: 200Gi}
                      allocatable: {cpu: "32", memory: 128Gi, pods: "250", ephemeral-storage: 200Gi}
                    """.formatted(i, i));
        }
        return yaml.toString();
    }
}
