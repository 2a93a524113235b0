package io.stratoflow.e2e.bench;

import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodList;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.kubernetes.client.vertx.VertxHttpClientFactory;
import io.stratoflow.e2e.support.ControlPlane;
import io.stratoflow.e2e.support.Fixtures;
import io.stratoflow.e2e.support.Flows;
import io.stratoflow.datastore.DatastoreLocation;
import io.stratoflow.e2e.support.OperatorProcess;
import io.stratoflow.e2e.support.StratoflowCluster;
import io.stratoflow.engine.Action;
import io.stratoflow.engine.IndexPath;
import io.stratoflow.engine.RunPhase;
import io.stratoflow.engine.TaskInputs;
import io.stratoflow.engine.TaskKey;
import io.stratoflow.model.Flow;
import io.stratoflow.model.Run;
import io.stratoflow.model.StepSpec;
import io.stratoflow.task.TaskSpec;
import io.stratoflow.operator.flow.ClusterTaskSpecs;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.IntStream;

/**
 * The operator at scale on a local control plane with 100 KWOK nodes.
 *
 * <p>First the raw limit, measured once per benchmark run (it does not depend on the width): the
 * rate at which plain clients, with the operator's ServiceAccount token, create the Pods the operator
 * would build, by several strategies (fabric8 on vert.x or on the JDK's client, 16 or 64 threads, one
 * client or four, HTTP/1.1 or HTTP/2, and the JDK's HttpClient posting JSON serialised ahead with 64
 * requests in flight), each warmed up with 200 creates and timed over 1,000 ({@code raw=N} among the
 * arguments; {@code raw=0} skips it), each in a namespace of its own whose Pods are deleted before the
 * next; the best is the limit.
 *
 * <p>Then for each width (1,000 and 10,000 unless the arguments name others, e.g. {@code 1000 10000
 * 100000}): the seconds until every split Pod had been created (distinct Pods a watch saw added: the
 * operator deletes a succeeded task's Pod once the Run's status records it) and until the Run
 * succeeds, Pods created per second and that rate as a share of the raw limit, the most Pods that
 * existed at once and the split Pods deleted by the time the Run succeeded, the Run's status size,
 * etcd's database size (total and in use) when the Run succeeded, and the operator's peak heap and RSS;
 * under each row, the API server's requests per task by verb and by resource (from its request counters, all clients
 * together) and the Run controller's reconcile passes.
 *
 * <p>Every measurement starts once the machine is about as idle as the cluster was before any load:
 * the scheduler and KWOK work through a measurement's Pods long after they were created or deleted.
 *
 * <p>Run: {@code ./mvnw -q -pl src/test -Pbenchmark exec:exec -DbenchArgs="1000 10000 100000"} after
 * {@code ./mvnw -q install -DskipTests} (see docs/benchmarks.md);
 * {@code STRATOFLOW_BENCH_OPERATOR_JAVA_OPTIONS} adds JVM options to the operator (e.g. a flight recording).
 */
public final class ScaleBenchmark {

    private static final int NODES = 100;
    /** The Run's maxWorkers: splits running at once (at most 10,000, what a Run allows); {@code workers=N} among the arguments. */
    private static int maxWorkers = 10_000;
    /** Added by {@link ControlPlane} to dev/cluster's ports: this cluster runs beside a developer's and the suite's. */
    private static final int PORT_OFFSET = 100;
    /** etcd's client port, which also serves its metrics (plain HTTP on the loopback, as dev/cluster's health check reads it). */
    private static final int ETCD_PORT = 22379 + PORT_OFFSET;
    private static final int OPERATOR_CREATION_THREADS = 16;
    /** Creates per raw strategy before its measurement starts: connections opened, code compiled, caches filled. */
    private static final int RAW_WARM_UP = 200;
    private static final int DEFAULT_RAW_PODS = 1000;
    /** How much busier than when idle the machine may be for a measurement to start (KWOK and the scheduler done with the last). */
    private static final double SETTLED = 0.15;
    /** Threads that delete a namespace's Pods, one request per Pod (a deletecollection deletes them one after another). */
    private static final int DELETING_THREADS = 32;
    static final String WORK = "work";

    private final Path project = ControlPlane.projectDir();
    private KubernetesClient client;
    /** The operator's identity (its ServiceAccount), which the raw clients create Pods with. */
    private Config operatorConfig;
    private OperatorProcess operator;
    /** The share of the machine's CPU the idle cluster and operator use, measured before any load. */
    private double idleBusy;
    /** The datastore the simulated tasks would use: KWOK runs nothing, so nothing opens it. */
    private static final DatastoreLocation SIMULATED_DATASTORE = new DatastoreLocation("s3://simulated/stratoflow", null, null, null);

    public static void main(String[] args) throws Exception {
        List<Integer> widths = new ArrayList<>();
        int rawPods = DEFAULT_RAW_PODS;
        for (String arg : args) {
            if (arg.startsWith("raw=")) {
                rawPods = Integer.parseInt(arg.substring("raw=".length()));
            } else if (arg.startsWith("workers=")) {
                maxWorkers = Integer.parseInt(arg.substring("workers=".length()));
            } else if (!arg.isBlank()) {
                widths.add(Integer.parseInt(arg));
            }
        }
        if (widths.isEmpty()) {
            widths = List.of(1000, 10000);
        }
        new ScaleBenchmark().run(widths, rawPods);
    }

    private void run(List<Integer> widths, int rawPods) throws Exception {
        Path nodes = project.resolve("src/test/target/bench-nodes.yaml");
        Files.createDirectories(nodes.getParent());
        Files.writeString(nodes, nodes(NODES));
        ControlPlane controlPlane = new ControlPlane(project, "bench-cluster", PORT_OFFSET,
                Map.of("STRATOFLOW_NODES_FILE", nodes.toString(), "STRATOFLOW_CLUSTER_TIMEOUT", "900", "STRATOFLOW_EXEC_NODES", "0",
                        "STRATOFLOW_ETCD_PORT", Integer.toString(ETCD_PORT)));
        controlPlane.start();
        try {
            client = StratoflowCluster.install(project, controlPlane);
            Path operatorKubeconfig = StratoflowCluster.serviceAccountKubeconfig(project, client, "bench.kubeconfig");
            operatorConfig = Config.fromKubeconfig(Files.readString(operatorKubeconfig));
            operator = new OperatorProcess(project, operatorKubeconfig,
                    Map.of("POD_NAMESPACE", StratoflowCluster.OPERATOR_NAMESPACE,
                            "STRATOFLOW_OPERATOR_POD_CREATES_PER_SECOND", "100000",
                            "STRATOFLOW_OPERATOR_POD_CREATION_THREADS", Integer.toString(OPERATOR_CREATION_THREADS),
                            // As by default: a succeeded task's Pod goes once the Run's status records it, so a wide
                            // foreach keeps only its running window in the API server.
                            "STRATOFLOW_OPERATOR_DELETE_SUCCEEDED_PODS", "true",
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
            awaitReady(operator);
            // the quietest of a few looks: the cluster may still be finishing its start
            idleBusy = 1;
            for (int look = 0; look < 4; look++) {
                idleBusy = Math.min(idleBusy, busy(Duration.ofSeconds(3)));
            }
            System.out.printf(Locale.ROOT, "Scale benchmark: %d KWOK nodes, %d cores, operator pid %d, widths %s, maxWorkers %d; the idle cluster "
                    + "uses %.0f%% of the CPUs, and each measurement starts once the last has settled to within %.0f points of that%n",
                    NODES, Runtime.getRuntime().availableProcessors(), operator.pid(), widths, maxWorkers, 100 * idleBusy, 100 * SETTLED);
            // raw=0: no raw limit (e.g. to compare two versions of the operator), its share is left empty
            double rawLimit = rawPods == 0 ? Double.NaN : rawLimit(rawPods);
            System.out.printf(Locale.ROOT, "%n%8s %14s %16s %12s %16s %14s %10s %10s %8s %13s %12s %12s %14s %14s%n", "width", "pods exist (s)",
                    "operator pods/s", "of raw limit", "last split (s)", "succeeded (s)", "tail (s)", "most pods", "deleted", "status bytes",
                    "etcd db MiB", "in use MiB", "peak heap MiB", "peak RSS MiB");
            for (int width : widths) {
                measure(width, rawLimit);
            }
        } finally {
            if (operator != null) {
                operator.kill();
            }
            if (client != null) {
                client.close();
            }
            controlPlane.stop();
        }
    }

    // ---------------------------------------------------------------------------------------------
    // The raw limit
    // ---------------------------------------------------------------------------------------------

    /** A way of creating Pods as fast as the API server accepts them, named for the output. */
    private record RawStrategy(String name, Supplier<RawCreator> open) {
    }

    private List<RawStrategy> rawStrategies() {
        return List.of(
                new RawStrategy("fabric8 on vert.x (HTTP/1.1), 1 client, 16 threads (as the operator)",
                        () -> new Fabric8Creator(operatorConfig, VertxHttpClientFactory::new, 1, 16)),
                new RawStrategy("fabric8 on vert.x (HTTP/1.1), 1 client, 64 threads",
                        () -> new Fabric8Creator(operatorConfig, VertxHttpClientFactory::new, 1, 64)),
                new RawStrategy("fabric8 on vert.x (HTTP/1.1), 4 clients, 64 threads",
                        () -> new Fabric8Creator(operatorConfig, VertxHttpClientFactory::new, 4, 64)),
                new RawStrategy("fabric8 on the JDK client (HTTP/2, one connection), 64 threads",
                        () -> new Fabric8Creator(operatorConfig, JdkHttpClientFactory::new, 1, 64)),
                new RawStrategy("JDK HttpClient, JSON serialised ahead, HTTP/1.1, 64 in flight",
                        () -> new JdkAsyncCreator(operatorConfig, HttpClient.Version.HTTP_1_1, 64)),
                // no more in flight: the JDK's client fails a request beyond the server's stream limit instead of queueing it
                new RawStrategy("JDK HttpClient, JSON serialised ahead, HTTP/2 (one connection), 64 in flight",
                        () -> new JdkAsyncCreator(operatorConfig, HttpClient.Version.HTTP_2, 64)));
    }

    /**
     * The best rate of the raw strategies. Each creates, with the operator's identity (its
     * ServiceAccount token, which the API server authenticates and authorizes on every request), the
     * very Pods the operator builds for the same flow (labels, environment, security context, and a Run
     * as controlling owner, which the garbage collector tracks), except that they lack the label by
     * which the operator watches task Pods, so that the operator stays out of this measurement. Their
     * Run names a Flow that does not exist, so no task of it ever starts. KWOK's nodes take and run them
     * as they do the operator's.
     */
    private double rawLimit(int count) throws Exception {
        long started = System.nanoTime();
        List<RawStrategy> strategies = rawStrategies();
        System.out.printf(Locale.ROOT, "%nRaw limit, measured once for all widths (it does not depend on the width): %,d Pods per strategy "
                + "after %,d warm-up creates, with the operator's ServiceAccount token, each strategy in a namespace of its own whose Pods "
                + "are deleted before the next%n", count, RAW_WARM_UP);
        System.out.printf(Locale.ROOT, "  %-80s %10s%n", "strategy", "pods/s");
        double best = 0;
        String bestName = null;
        for (int s = 0; s < strategies.size(); s++) {
            RawStrategy strategy = strategies.get(s);
            double rate = rawRate(strategy, "raw-" + (s + 1), count);
            System.out.printf(Locale.ROOT, "  %-80s %10.1f%n", strategy.name(), rate);
            if (rate > best) {
                best = rate;
                bestName = strategy.name();
            }
        }
        for (int s = 0; s < strategies.size(); s++) {
            awaitGone("raw-" + (s + 1));
        }
        System.out.printf(Locale.ROOT, "  %-80s %10.1f%n  (the raw part took %.0f s, waiting for the cluster to settle included)%n",
                "best: " + bestName, best, (System.nanoTime() - started) / 1e9);
        return best;
    }

    private double rawRate(RawStrategy strategy, String namespace, int count) throws Exception {
        StratoflowCluster.createNamespace(namespace, client);
        Flow flow = benchFlow(RAW_WARM_UP + count);
        Run owner = client.resource(Flows.run("raw-owner", "no-such-flow", RAW_WARM_UP + count, RAW_WARM_UP + count)).inNamespace(namespace)
                .create();
        TaskPodBuilder builder = new TaskPodBuilder(new TaskPodDefaults("stratoflow/task-runner:0.1.0", null, null));
        StepSpec work = Fixtures.step(flow, WORK);
        TaskResources resources = TaskResources.of(work, null);
        TaskInputs fromStart = new TaskInputs.Parents(List.of(TaskKey.root("start")));
        List<Pod> pods = IntStream.range(0, RAW_WARM_UP + count).mapToObj(i -> {
            Action.StartTask start = new Action.StartTask(new TaskKey(WORK, IndexPath.of(i)), 0, fromStart);
            TaskSpec spec = ClusterTaskSpecs.of(owner, flow.getSpec(), work, start, owner.getSpec().parameters, SIMULATED_DATASTORE);
            Pod pod = builder.build(owner, flow.getSpec(), work, start.task(), spec, resources, null);
            pod.getMetadata().getLabels().remove(TaskPodNames.RUN_LABEL);
            return pod;
        }).toList();
        // The operator's measurement watches its Pods; this one watches the raw Pods alike, so that both
        // pay the API server the same for being observed.
        PodWatch observer = PodWatch.start(client, namespace, count);
        settle();
        double rate;
        try (RawCreator creator = strategy.open().get()) {
            creator.prepare(namespace, pods.subList(0, RAW_WARM_UP)).call();
            Callable<Void> measured = creator.prepare(namespace, pods.subList(RAW_WARM_UP, pods.size()));
            long started = System.nanoTime();
            measured.call();
            rate = count / ((System.nanoTime() - started) / 1e9);
        } finally {
            observer.close();
        }
        deletePodsAndWait(namespace);
        // what is left (the Run, a Secret) costs the next strategy next to nothing to delete
        client.namespaces().withName(namespace).delete();
        return rate;
    }

    /**
     * Creates a Pod, trying again when the API server, saturated by the measurement itself, lets
     * a request time out or asks to come back later; a Pod that a timed-out request did create counts once.
     */
    static void createPersistently(KubernetesClient client, String namespace, Pod pod) {
        for (int attempt = 1; ; attempt++) {
            try {
                client.pods().inNamespace(namespace).resource(pod).create();
                return;
            } catch (KubernetesClientException e) {
                if (e.getCode() == 409) {
                    return;
                }
                if (!transientFailure(e.getCode()) || attempt == 5) {
                    throw e;
                }
            }
        }
    }

    static boolean transientFailure(int code) {
        return code == 0 || code == 429 || code >= 500;
    }

    // ---------------------------------------------------------------------------------------------
    // The operator
    // ---------------------------------------------------------------------------------------------

    /** A start step that fans out over {@code width} work tasks of 100m CPU and 64M that each run for a second. */
    private static Flow benchFlow(int width) {
        Flow flow = Flows.fanOut("fan-out", width, "100m", "64M", null);
        Fixtures.runsFor(Fixtures.step(flow, WORK), 1000);
        return flow;
    }

    private void measure(int width, double rawLimit) throws Exception {
        String namespace = "bench-" + width;
        StratoflowCluster.createNamespace(namespace, client);
        Flow flow = benchFlow(width);
        client.resource(flow).inNamespace(namespace).create();
        String runName = "fan-out-" + width;
        PodWatch pods = PodWatch.start(client, namespace, width);
        settle();
        MemorySampler memory = new MemorySampler(operator);
        ApiRequestCounts requestsBefore = ApiRequestCounts.read(client);
        double passesBefore = memory.runReconciliations();
        memory.start();
        long started = System.nanoTime();
        client.resource(Flows.run(runName, "fan-out", Math.min(width, maxWorkers), width)).inNamespace(namespace).create();
        Run run;
        while (true) {
            run = client.resources(Run.class).inNamespace(namespace).withName(runName).get();
            String phase = run.getStatus() == null ? null : run.getStatus().phase;
            if (RunPhase.isFinalStatus(phase)) {
                break;
            }
            Thread.sleep(1000);
        }
        double succeeded = (System.nanoTime() - started) / 1e9;
        memory.stop();
        ApiRequestCounts requests = ApiRequestCounts.read(client).since(requestsBefore);
        double passes = memory.runReconciliations() - passesBefore;
        pods.close();
        int deleted = pods.splitsDeleted();
        EtcdSize etcd = EtcdSize.read();
        // NaN where the watch did not see them all (e.g. a Pod created and deleted while it was reconnecting)
        double exist = pods.allCreatedNanos() == 0 ? Double.NaN : (pods.allCreatedNanos() - started) / 1e9;
        // when a watch saw the last split Pod Succeeded, and how long the Run took to succeed after it
        double lastDone = pods.allSucceededNanos() == 0 ? Double.NaN : (pods.allSucceededNanos() - started) / 1e9;
        double tail = succeeded - lastDone;
        int statusBytes = new KubernetesSerialization().asJson(run.getStatus()).getBytes(StandardCharsets.UTF_8).length;
        // The creation rate counts from the first split Pod: before it, the start task runs and reports the fan-out.
        double rate = pods.allCreatedNanos() == 0 ? Double.NaN
                : width / Math.max(1e-3, (pods.allCreatedNanos() - pods.firstCreatedNanos()) / 1e9);
        System.out.printf(Locale.ROOT, "%8d %14.1f %16.1f %11.0f%% %16.1f %14.1f %10.1f %10d %8d %13d %12.1f %12.1f %14.1f %14.1f  %s%n", width,
                exist, rate, 100 * rate / rawLimit, lastDone, succeeded, tail, pods.mostAtOnce(), deleted, statusBytes, etcd.totalMiB(),
                etcd.inUseMiB(), memory.peakHeapMiB(), memory.peakRssMiB(),
                (RunPhase.SUCCEEDED.statusName().equals(run.getStatus().phase) ? "" : run.getStatus().phase + ": " + run.getStatus().message)
                        + (pods.createdCount() < width || pods.succeededCount() < width
                        ? " (the watch saw " + pods.createdCount() + " split Pods created, " + pods.succeededCount() + " succeeded)" : ""));
        System.out.printf(Locale.ROOT, "%s%n  Run reconcile passes: %.0f (%.3f per task)%n", requests.perTask(width + 2), passes, passes / (width + 2));
        deleteAndWait(namespace);
    }

    static boolean succeeded(Pod pod) {
        return pod.getStatus() != null && "Succeeded".equals(pod.getStatus().getPhase());
    }

    /** Deletes a namespace's Pods and then the namespace, and waits until it is gone, so that they do not load the next measurement. */
    private void deleteAndWait(String namespace) throws InterruptedException {
        deletePodsAndWait(namespace);
        client.namespaces().withName(namespace).delete();
        awaitGone(namespace);
    }

    /** Waits, at most two minutes, until a namespace is gone (the namespace controller retries less and less often). */
    private void awaitGone(String namespace) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (client.namespaces().withName(namespace).get() != null) {
            if (System.nanoTime() > deadline) {
                System.out.printf(Locale.ROOT, "  (namespace %s is still being deleted)%n", namespace);
                return;
            }
            Thread.sleep(1000);
        }
    }

    /**
     * Waits until the machine is about as idle as the cluster was before any load: the scheduler and
     * KWOK work through the last Pods' events long after they were created or deleted, and would take
     * the next measurement's CPU. At most three minutes (another program may be busy on the machine).
     */
    private void settle() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        double busy;
        while ((busy = busy(Duration.ofSeconds(2))) > idleBusy + SETTLED) {
            if (System.nanoTime() > deadline) {
                System.out.printf(Locale.ROOT, "  (the machine did not settle: %.0f%% busy, against %.0f%% idle)%n", 100 * busy, 100 * idleBusy);
                return;
            }
        }
    }

    /** The share of all CPUs' time not idle over the given time, from /proc/stat. */
    private static double busy(Duration over) throws IOException, InterruptedException {
        long[] before = cpuTimes();
        Thread.sleep(over.toMillis());
        long[] after = cpuTimes();
        double total = after[0] - before[0];
        return total <= 0 ? 0 : 1 - (after[1] - before[1]) / total;
    }

    /** All CPUs' time and their idle time (waiting for I/O included), in clock ticks. */
    private static long[] cpuTimes() throws IOException {
        String[] fields = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
        long total = 0;
        for (int i = 1; i <= 8 && i < fields.length; i++) {
            total += Long.parseLong(fields[i]);
        }
        return new long[] {total, Long.parseLong(fields[4]) + Long.parseLong(fields[5])};
    }

    /**
     * Deletes a namespace's Pods without a grace period (KWOK's nodes run nothing), a request per Pod on
     * several threads, and again until none is left: a deletecollection deletes them one after another,
     * at about 40 a second here, and outlasts a client's timeout.
     */
    private void deletePodsAndWait(String namespace) throws InterruptedException {
        ExecutorService threads = Executors.newFixedThreadPool(DELETING_THREADS);
        try {
            for (List<String> names = podNames(namespace); !names.isEmpty(); names = podNames(namespace)) {
                List<Future<?>> done = new ArrayList<>();
                for (String name : names) {
                    done.add(threads.submit(() -> client.pods().inNamespace(namespace).withName(name).withGracePeriod(0).delete()));
                }
                for (Future<?> f : done) {
                    try {
                        f.get();
                    } catch (ExecutionException e) {
                        // a request the loaded API server let time out: the next round deletes what is left
                    }
                }
                Thread.sleep(500);
            }
        } finally {
            threads.shutdownNow();
        }
    }

    /** The names of a namespace's Pods, listed a page at a time so that a wide Run's Pods are never all in memory at once. */
    private List<String> podNames(String namespace) {
        List<String> names = new ArrayList<>();
        String next = null;
        do {
            PodList page = client.pods().inNamespace(namespace).list(new ListOptionsBuilder().withLimit(500L).withContinue(next).build());
            page.getItems().forEach(pod -> names.add(pod.getMetadata().getName()));
            next = page.getMetadata().getContinue();
        } while (next != null && !next.isEmpty());
        return names;
    }

    /** Waits until the operator reports ready, so that its start does not take the first raw strategy's CPU. */
    private static void awaitReady(OperatorProcess operator) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + operator.port() + "/q/health/ready"))
                .timeout(Duration.ofSeconds(5)).build();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (true) {
            try {
                if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            if (System.nanoTime() > deadline || !operator.alive()) {
                throw new IllegalStateException("The operator did not become ready; see " + operator.log());
            }
            Thread.sleep(500);
        }
    }

    /** etcd's database size, total and in use (what a compaction left live), from its metrics; -1 where it does not say. */
    private record EtcdSize(double totalBytes, double inUseBytes) {
        static EtcdSize read() throws IOException, InterruptedException {
            String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ETCD_PORT + "/metrics"))
                    .build(), HttpResponse.BodyHandlers.ofString()).body();
            return new EtcdSize(gauge(metrics, "etcd_mvcc_db_total_size_in_bytes"), gauge(metrics, "etcd_mvcc_db_total_size_in_use_in_bytes"));
        }

        private static double gauge(String metrics, String name) {
            return metrics.lines().filter(l -> l.startsWith(name + " ")).mapToDouble(l -> Double.parseDouble(l.substring(name.length() + 1)))
                    .findFirst().orElse(-1);
        }

        double totalMiB() {
            return totalBytes < 0 ? -1 : totalBytes / (1 << 20);
        }

        double inUseMiB() {
            return inUseBytes < 0 ? -1 : inUseBytes / (1 << 20);
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
