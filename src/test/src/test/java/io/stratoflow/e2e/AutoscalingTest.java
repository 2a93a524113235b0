package io.stratoflow.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.stratoflow.e2e.support.Browser;
import io.stratoflow.e2e.support.ControlPlane;
import io.stratoflow.e2e.support.Fixtures;
import io.stratoflow.e2e.support.Flows;
import io.stratoflow.e2e.support.Runs;
import io.stratoflow.model.ComputePool;
import io.stratoflow.model.ComputePoolSpec;
import io.stratoflow.model.ContainerSpec;
import io.stratoflow.model.Flow;
import io.stratoflow.model.FlowResourceSpec;
import io.stratoflow.model.NodePoolReference;
import io.stratoflow.model.NodePoolStatus;
import io.stratoflow.model.PlacementSpec;
import io.stratoflow.model.PoolResources;
import io.stratoflow.model.ResourceRequest;
import io.stratoflow.model.Run;
import io.stratoflow.model.StepProgress;
import io.stratoflow.model.StepSpec;
import io.stratoflow.model.TaskPodKeys;
import org.assertj.core.api.SoftAssertions;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A ComputePool whose nodes Karpenter adds: the dev stack with Karpenter's KWOK provider and the NodePools of
 * {@code dev/karpenter/nodepools.yaml}, no node at the start. A 40-way foreach of 2-CPU tasks on the pool gets nodes of
 * its NodePool, runs every task there and succeeds; then Karpenter removes the nodes (consolidation), and the pool's
 * status follows nodes and demand throughout. A step larger than the NodePool's largest instance is refused before any
 * Pod. Prints the seconds from the Run's creation to the first node, the last task and the last node removed.
 */
class AutoscalingTest {

    private static final int PORT_OFFSET = 400;
    private static final String NAMESPACE = "autoscaling";
    private static final String POOL = "autoscaled-azure";
    private static final String NODE_POOL = "azure";
    private static final String PROVIDER_LABEL = "outerbounds.co/provider";
    private static final String NODE_POOL_LABEL = "karpenter.sh/nodepool";
    private static final String INSTANCE_TYPE_LABEL = "node.kubernetes.io/instance-type";
    private static final String SPLIT_STEP = "work";
    private static final int SPLITS = 40;
    /** How long KWOK keeps a split running: long enough that the splits need several nodes at once. */
    private static final int SPLIT_MILLIS = 5000;

    private static ControlPlane stack;
    private static KubernetesClient client;
    /** What a Pod can use on the NodePool's largest instance type. */
    private static PoolResources largestInstance;

    @BeforeAll
    static void startTheDevStackWithKarpenterAndNoNodes() throws IOException {
        largestInstance = largestAllocatable(NODE_POOL);
        stack = ControlPlane.devStack(ControlPlane.projectDir(), "autoscaling-e2e", PORT_OFFSET, Map.of(
                "STRATOFLOW_AUTOSCALER", "karpenter",
                "STRATOFLOW_KARPENTER_PORT", Integer.toString(18090 + PORT_OFFSET),
                "STRATOFLOW_EXEC_NODES", "0",
                "STRATOFLOW_NODES_FILE", "",
                // the chart's operator would need an executing node; plain container steps need no datastore
                "STRATOFLOW_OPERATOR", "jar",
                "STRATOFLOW_S3", "0",
                // the Status view's samples every second, so that a minute of autoscaling is a curve, not four points
                "STRATOFLOW_WEB_POOL_HISTORY_PERIOD", "1s"));
        stack.start();
        client = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(Files.readString(stack.kubeconfig()))).build();
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NAMESPACE)
                .addToLabels("pod-security.kubernetes.io/enforce", "restricted").endMetadata().build()).serverSideApply();
        client.resource(pool()).serverSideApply();
        Awaitility.await("ComputePool " + POOL + " reconciled with 0 nodes").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    ComputePool pool = client.resources(ComputePool.class).withName(POOL).get();
                    return pool.getStatus() != null && pool.getMetadata().getGeneration().equals(pool.getStatus().observedGeneration)
                            && Integer.valueOf(0).equals(pool.getStatus().nodes);
                });
        assertThat(client.nodes().list().getItems()).as("a cluster without nodes").isEmpty();
    }

    @AfterAll
    static void stopIt() {
        if (client != null) {
            client.close();
        }
        if (stack != null && !Boolean.getBoolean("stratoflow.e2e.keepCluster")) {
            stack.stop();
        }
    }

    @Test
    void fortyTwoCpuTasksOnAnEmptyPoolGetNodesOfItsNodePoolSucceedAndTheNodesAreRemovedAfterwards() throws Exception {
        String run = "forty-splits";
        Observer seen = new Observer();
        try (SharedIndexInformer<Node> nodes = client.nodes().withLabel(NODE_POOL_LABEL).inform(handler(seen::node));
             SharedIndexInformer<Pod> pods = client.pods().inNamespace(NAMESPACE).withLabel(TaskPodKeys.RUN_LABEL, run).inform(handler(seen::pod));
             SharedIndexInformer<ComputePool> pool = client.resources(ComputePool.class).withName(POOL).inform(handler(seen::pool));
             SharedIndexInformer<Run> runs = client.resources(Run.class).inNamespace(NAMESPACE).withName(run).inform(handler(seen::run))) {
            client.resource(flow("forty-splits", "2", "1Gi")).inNamespace(NAMESPACE).create();
            Instant created = Instant.now();
            client.resource(Flows.run(run, "forty-splits", SPLITS, 100)).inNamespace(NAMESPACE).create();

            Run done = Runs.awaitPhase(client, NAMESPACE, run, "Succeeded", Duration.ofMinutes(5));
            assertThat(seen.nodeAdded).as("nodes Karpenter added").isNotEmpty();
            Awaitility.await("every node Karpenter added removed again").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
                    .until(() -> seen.nodeGone.keySet().containsAll(seen.nodeAdded.keySet())
                            && client.nodes().withLabel(NODE_POOL_LABEL).list().getItems().isEmpty());

            Instant firstNode = seen.nodeAdded.values().stream().min(Comparator.naturalOrder()).orElseThrow();
            Instant lastTask = seen.splitSucceeded.values().stream().max(Comparator.naturalOrder()).orElse(null);
            Instant lastNodeGone = seen.nodeGone.values().stream().max(Comparator.naturalOrder()).orElseThrow();
            Map<String, Long> instanceTypes = seen.nodeLabels.values().stream()
                    .collect(Collectors.groupingBy(l -> String.valueOf(l.get(INSTANCE_TYPE_LABEL)), TreeMap::new, Collectors.counting()));
            System.out.printf(Locale.ROOT, "Autoscaling: %d splits of 2 CPUs on ComputePool %s (NodePool %s, no node at the start): "
                            + "first node %.1f s, last task %s s, Run Succeeded %s s, last node removed %.1f s after the Run's creation; "
                            + "%d nodes %s%n",
                    SPLITS, POOL, NODE_POOL, seconds(created, firstNode), seconds(created, lastTask), seconds(created, seen.runSucceeded),
                    seconds(created, lastNodeGone).doubleValue(), seen.nodeAdded.size(), instanceTypes);

            SoftAssertions softly = new SoftAssertions();
            softly.assertThat(seen.nodeLabels.values()).as("labels of the nodes Karpenter added").allSatisfy(labels -> assertThat(labels)
                    .containsEntry(NODE_POOL_LABEL, NODE_POOL).containsEntry(PROVIDER_LABEL, "azure"));
            softly.assertThat(seen.splitNodes).as("split Pods that got a node").hasSize(SPLITS);
            seen.splitNodes.forEach((podName, node) -> softly.assertThat(seen.nodeLabels.get(node))
                    .as("labels of node %s, where %s ran", node, podName).isNotNull()
                    .containsEntry(NODE_POOL_LABEL, NODE_POOL).containsEntry(PROVIDER_LABEL, "azure"));
            softly.assertThat(seen.splitSucceeded).as("split Pods seen Succeeded").hasSize(SPLITS);

            StepProgress split = done.getStatus().steps.get(SPLIT_STEP);
            softly.assertThat(split).as("status.steps.%s", SPLIT_STEP).isNotNull();
            if (split != null) {
                softly.assertThat(split.done).as("splits the Run counts as done").isEqualTo(SPLITS);
                softly.assertThat(split.total).as("splits the Run knows").isEqualTo(SPLITS);
            }
            softly.assertThat(done.getStatus().progress).isEqualTo((SPLITS + 3) + "/" + (SPLITS + 3));
            softly.assertThat(done.getStatus().engine.at("/steps/" + SPLIT_STEP + "/frames").toString())
                    .contains("\"succeeded\":\"0-" + (SPLITS - 1) + "\"");

            softly.assertThat(seen.runConditions).as("Run conditions that were True: Pods of a pool with a NodePool wait for nodes")
                    .contains("WaitingForNodes").doesNotContain("Unschedulable");

            softly.assertThat(seen.poolStatus.get(0).nodes()).as("the pool's nodes before the Run").isZero();
            softly.assertThat(seen.poolStatus).as("the pool's status while the tasks ran: nodes and demand")
                    .anyMatch(s -> s.nodes() != null && s.nodes() > 0 && (positive(s.runningTasks()) || positive(s.queuedTasks())));
            softly.assertThat(within(Duration.ofMinutes(1), () -> Integer.valueOf(0).equals(poolNow().getStatus().nodes)))
                    .as("the pool's nodes back to 0 once Karpenter removed its nodes (now %s)", poolNow().getStatus().nodes).isTrue();

            NodePoolStatus nodePool = poolNow().getStatus().nodePool;
            softly.assertThat(nodePool).as("the pool's status.nodePool").isNotNull();
            if (nodePool != null) {
                GenericKubernetesResource karpenterPool = client.genericKubernetesResources("karpenter.sh/v1", "NodePool").withName(NODE_POOL).get();
                softly.assertThat(nodePool.name).isEqualTo(NODE_POOL);
                softly.assertThat(nodePool.limits).as("status.nodePool.limits").isNotNull();
                if (nodePool.limits != null) {
                    softly.assertThat(amount(nodePool.limits.cpu)).as("status.nodePool.limits.cpu")
                            .isEqualByComparingTo(amount(karpenterPool.get("spec", "limits", "cpu")));
                    softly.assertThat(amount(nodePool.limits.memory)).as("status.nodePool.limits.memory")
                            .isEqualByComparingTo(amount(karpenterPool.get("spec", "limits", "memory")));
                }
                softly.assertThat(nodePool.largestInstance).as("status.nodePool.largestInstance").usingRecursiveComparison().isEqualTo(largestInstance);
            }
            softly.assertThat(seen.poolStatus).as("status.nodePool.nodes while the tasks ran")
                    .anyMatch(s -> s.nodePool() != null && positive(s.nodePool().nodes));

            statusViewShowsTheSpikeAndTheNodesFollowingIt(softly);

            softly.assertThat(within(Duration.ofMinutes(1), () -> Runs.pods(client, NAMESPACE, run, SPLIT_STEP).isEmpty()))
                    .as("the Succeeded split Pods deleted once the Run recorded them (left: %d)", Runs.pods(client, NAMESPACE, run, SPLIT_STEP).size())
                    .isTrue();
            softly.assertAll();
        }
    }

    @Test
    void aStepLargerThanTheLargestInstanceIsRefusedBeforeAnyPod() {
        String run = "too-large";
        Observer seen = new Observer();
        try (SharedIndexInformer<Pod> pods = client.pods().inNamespace(NAMESPACE).withLabel(TaskPodKeys.RUN_LABEL, run).inform(handler(seen::pod))) {
            client.resource(flow("too-large", "64", "1Gi")).inNamespace(NAMESPACE).create();
            client.resource(Flows.run(run, "too-large", SPLITS, 100)).inNamespace(NAMESPACE).create();

            Run failed = Runs.awaitPhase(client, NAMESPACE, run, "Failed", Duration.ofMinutes(2));

            assertThat(seen.podsAdded).as("Pods of the refused Run").isEmpty();
            assertThat(Runs.pods(client, NAMESPACE, run)).isEmpty();
            SoftAssertions softly = new SoftAssertions();
            // the message names what the step asked and the largest instance the NodePool can add
            softly.assertThat(failed.getStatus().message).as("why the Run failed")
                    .contains("Step '" + SPLIT_STEP + "'").contains("cpu=64")
                    .contains("the largest instance that node pool '" + NODE_POOL + "' can add to ComputePool '" + POOL + "'")
                    .contains("cpu=64 (at most " + largestInstance.cpu + ")")
                    .contains("cpu=" + largestInstance.cpu + ", memory=" + largestInstance.memory);
            softly.assertThat(failed.getStatus().conditions).as("the Run's conditions").anyMatch(c -> c.getType().equals("Succeeded")
                    && c.getStatus().equals("False") && c.getReason().equals("Refused") && c.getMessage().equals(failed.getStatus().message));
            softly.assertAll();
        }
    }

    /**
     * start (a foreach over {@value #SPLITS} items) → {@value #SPLIT_STEP} (one task per item, {@code cpu} and {@code memory}
     * each) → join → end, all plain containers in the autoscaled pool that KWOK completes; the splits run {@value #SPLIT_MILLIS} ms.
     */
    /**
     * The seed's picture, as the operator's web view serves it to the Status view: demand above 100 % of what the pool's
     * nodes hold, the nodes online rising after it, and back to none once the tasks ended and Karpenter removed them.
     */
    private static void statusViewShowsTheSpikeAndTheNodesFollowingIt(SoftAssertions softly) throws IOException, InterruptedException {
        JsonNode history = Awaitility.await("the Status view's last sample of " + POOL + " with no node").atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofSeconds(1)).until(AutoscalingTest::statusHistory,
                        samples -> samples.size() > 0 && samples.get(samples.size() - 1).path("nodes").asInt() == 0);
        StringBuilder curve = new StringBuilder();
        int spikeAt = -1;
        int firstNodesAfterSpike = -1;
        int mostNodes = 0;
        for (int i = 0; i < history.size(); i++) {
            JsonNode sample = history.get(i);
            double cpu = sample.path("cpuPercent").asDouble(0);
            int nodes = sample.path("nodes").asInt();
            curve.append(String.format(Locale.ROOT, " %s%%/%d", !sample.path("cpuPercent").isNumber() ? "-" : Math.round(cpu), nodes));
            if (spikeAt < 0 && cpu > 100) {
                spikeAt = i;
            }
            if (spikeAt >= 0 && firstNodesAfterSpike < 0 && nodes > history.get(spikeAt).path("nodes").asInt()) {
                firstNodesAfterSpike = i;
            }
            mostNodes = Math.max(mostNodes, nodes);
        }
        System.out.println("Status view of " + POOL + ", CPU demand/nodes every second:" + curve);
        screenshotOfTheStatusView(history.size());
        softly.assertThat(spikeAt).as("a sample with CPU demand above 100 %% of the pool's nodes:%s", curve).isNotNegative();
        softly.assertThat(firstNodesAfterSpike).as("more nodes online after the spike:%s", curve).isGreaterThan(spikeAt);
        softly.assertThat(mostNodes).as("nodes online at the most:%s", curve).isPositive();
    }

    /** The Status view in chromium once it charts every sample read above, as target/screenshots/status-autoscaling.png. */
    private static void screenshotOfTheStatusView(int samples) throws IOException {
        try (Browser browser = Browser.open(Duration.ofSeconds(60))) {
            browser.go("http://127.0.0.1:" + (18081 + PORT_OFFSET) + "/#/status");
            String charted = "const element = document.querySelector('[data-nodes=\"" + POOL + "\"]');"
                    + "const chart = element && window.echarts ? echarts.getInstanceByDom(element) : null;"
                    + "return chart ? chart.getOption().series[0].data.length : 0;";
            browser.await(d -> ((Number) browser.script(charted)).intValue() >= samples);
            browser.screenshot(ControlPlane.projectDir().resolve("src/test/target/screenshots/status-autoscaling.png"));
        }
    }

    private static JsonNode statusHistory() throws IOException, InterruptedException {
        HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + (18081 + PORT_OFFSET) + "/api/pools")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        for (JsonNode pool : new ObjectMapper().readTree(answer.body()).path("pools")) {
            if (pool.path("name").asText().equals(POOL)) {
                return pool.path("history");
            }
        }
        throw new AssertionError("no pool " + POOL + " in the web view's /api/pools: " + answer.body());
    }

    private static Flow flow(String name, String cpu, String memory) {
        StepSpec start = step("start", SPLIT_STEP);
        start.foreach = "items";
        Fixtures.reportsSplits(start, SPLITS);
        StepSpec split = step(SPLIT_STEP, "join");
        split.resources = new ResourceRequest(cpu, memory, null, null);
        Fixtures.runsFor(split, SPLIT_MILLIS);
        StepSpec join = step("join", "end");
        join.join = true;
        StepSpec end = step("end", null);
        Flow flow = new Flow();
        flow.setMetadata(new ObjectMetaBuilder().withName(name).build());
        flow.setSpec(new FlowResourceSpec());
        flow.getSpec().steps.addAll(List.of(start, split, join, end));
        return flow;
    }

    private static StepSpec step(String name, String next) {
        StepSpec step = new StepSpec();
        step.name = name;
        if (next != null) {
            step.next.add(next);
        }
        step.container = new ContainerSpec();
        step.container.image = "busybox:1.36";
        step.container.command.addAll(List.of("sh", "-c"));
        step.container.args.add("echo " + name);
        step.resources = new ResourceRequest("100m", "64M", null, null);
        step.placement = new PlacementSpec();
        step.placement.computePool = POOL;
        Fixtures.runsFor(step, 200);
        return step;
    }

    /** The Azure-like pool of the examples, with no node of its own: Karpenter's NodePool azure adds them. */
    private static ComputePool pool() {
        ComputePool pool = new ComputePool();
        pool.setMetadata(new ObjectMetaBuilder().withName(POOL).build());
        pool.setSpec(new ComputePoolSpec());
        pool.getSpec().nodeSelector.put(PROVIDER_LABEL, "azure");
        // the platform's cap on a task is larger than any instance: what refuses a task is the node pool's largest instance
        pool.getSpec().maxTaskResources = new PoolResources("96", "768Gi", null);
        pool.getSpec().nodePool = new NodePoolReference(NODE_POOL, new PoolResources(largestInstance.cpu, largestInstance.memory, null));
        return pool;
    }

    /**
     * The allocatable CPU and memory of the largest instance type of dev/karpenter/instance-types.json that the
     * provider offers for {@code provider}: its resources less the 100m CPU and 10Mi the KWOK provider keeps per node.
     */
    private static PoolResources largestAllocatable(String provider) throws IOException {
        JsonNode types = new ObjectMapper().readTree(ControlPlane.projectDir().resolve("dev/karpenter/instance-types.json").toFile());
        JsonNode largest = null;
        for (JsonNode type : types) {
            boolean offered = false;
            for (JsonNode offering : type.path("offerings")) {
                for (JsonNode requirement : offering.path("Requirements")) {
                    offered |= requirement.path("key").asText().equals(PROVIDER_LABEL) && requirement.path("values").toString().contains('"' + provider + '"');
                }
            }
            if (offered && (largest == null || compare(type, largest) > 0)) {
                largest = type;
            }
        }
        assertThat(largest).as("an instance type for provider " + provider).isNotNull();
        BigDecimal cpu = amount(largest.path("resources").path("cpu").asText()).subtract(new BigDecimal("0.1"));
        BigDecimal mebibytes = amount(largest.path("resources").path("memory").asText()).divide(BigDecimal.valueOf(1024L * 1024))
                .subtract(BigDecimal.TEN);
        return new PoolResources(cpu.movePointRight(3).toBigInteger() + "m", mebibytes.toBigInteger() + "Mi", null);
    }

    /** By CPU, then memory. */
    private static int compare(JsonNode a, JsonNode b) {
        int cpu = amount(a.path("resources").path("cpu").asText()).compareTo(amount(b.path("resources").path("cpu").asText()));
        return cpu != 0 ? cpu : amount(a.path("resources").path("memory").asText()).compareTo(amount(b.path("resources").path("memory").asText()));
    }

    private static BigDecimal amount(Object quantity) {
        return quantity == null ? null : Quantity.getAmountInBytes(new Quantity(quantity.toString()));
    }

    private static boolean positive(Integer count) {
        return count != null && count > 0;
    }

    private static ComputePool poolNow() {
        return client.resources(ComputePool.class).withName(POOL).get();
    }

    private static BigDecimal seconds(Instant from, Instant to) {
        return to == null ? null : BigDecimal.valueOf(Duration.between(from, to).toMillis(), 3).setScale(1, java.math.RoundingMode.HALF_UP);
    }

    /** Whether {@code condition} holds within {@code timeout}, polled every half second. */
    private static boolean within(Duration timeout, Callable<Boolean> condition) {
        try {
            Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(500)).ignoreExceptions().until(condition);
            return true;
        } catch (ConditionTimeoutException e) {
            return false;
        }
    }

    /** An informer's handler that passes each added or updated object with {@code false}, a deleted one with {@code true}. */
    private static <T> ResourceEventHandler<T> handler(BiConsumer<T, Boolean> seen) {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(T object) {
                seen.accept(object, false);
            }

            @Override
            public void onUpdate(T before, T object) {
                seen.accept(object, false);
            }

            @Override
            public void onDelete(T object, boolean finalStateUnknown) {
                seen.accept(object, true);
            }
        };
    }

    /** One status of the ComputePool, as a watch delivered it. */
    record PoolSnapshot(Instant at, Integer nodes, Integer runningTasks, Integer queuedTasks, NodePoolStatus nodePool) {
    }

    /** What the informers saw from before the Run's creation, each with the local time it arrived. */
    private static final class Observer {

        final Map<String, Instant> nodeAdded = new ConcurrentHashMap<>();
        final Map<String, Instant> nodeGone = new ConcurrentHashMap<>();
        final Map<String, Map<String, String>> nodeLabels = new ConcurrentHashMap<>();
        final Set<String> podsAdded = ConcurrentHashMap.newKeySet();
        /** Split Pod → the node it was bound to. */
        final Map<String, String> splitNodes = new ConcurrentHashMap<>();
        final Map<String, Instant> splitSucceeded = new ConcurrentHashMap<>();
        final List<PoolSnapshot> poolStatus = new CopyOnWriteArrayList<>();
        final Set<String> runConditions = ConcurrentHashMap.newKeySet();
        volatile Instant runSucceeded;

        void node(Node node, boolean deleted) {
            String name = node.getMetadata().getName();
            Instant now = Instant.now();
            nodeAdded.putIfAbsent(name, now);
            nodeLabels.put(name, Map.copyOf(node.getMetadata().getLabels()));
            if (deleted) {
                nodeGone.putIfAbsent(name, now);
            }
        }

        void pod(Pod pod, boolean deleted) {
            String name = pod.getMetadata().getName();
            podsAdded.add(name);
            if (!SPLIT_STEP.equals(pod.getMetadata().getLabels().get(TaskPodKeys.STEP_LABEL))) {
                return;
            }
            if (pod.getSpec().getNodeName() != null) {
                splitNodes.put(name, pod.getSpec().getNodeName());
            }
            if (pod.getStatus() != null && "Succeeded".equals(pod.getStatus().getPhase())) {
                splitSucceeded.putIfAbsent(name, Instant.now());
            }
        }

        void pool(ComputePool pool, boolean deleted) {
            var status = pool.getStatus();
            if (status != null && !deleted) {
                poolStatus.add(new PoolSnapshot(Instant.now(), status.nodes, status.runningTasks, status.queuedTasks, status.nodePool));
            }
        }

        void run(Run run, boolean deleted) {
            if (run.getStatus() == null) {
                return;
            }
            for (Condition condition : run.getStatus().conditions) {
                if ("True".equals(condition.getStatus())) {
                    runConditions.add(condition.getType());
                }
            }
            if ("Succeeded".equals(run.getStatus().phase) && runSucceeded == null) {
                runSucceeded = Instant.now();
            }
        }
    }
}
