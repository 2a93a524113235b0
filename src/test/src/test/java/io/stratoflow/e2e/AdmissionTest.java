package io.stratoflow.e2e;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.stratoflow.e2e.support.Fixtures;
import io.stratoflow.e2e.support.Flows;
import io.stratoflow.e2e.support.Runs;
import io.stratoflow.e2e.support.StratoflowCluster;
import io.stratoflow.model.ComputePool;
import io.stratoflow.model.ComputePoolSpec;
import io.stratoflow.model.Flow;
import io.stratoflow.model.PoolResources;
import io.stratoflow.model.RetrySpec;
import io.stratoflow.model.TaskPodKeys;
import io.stratoflow.model.ResourceRequest;
import io.stratoflow.model.Run;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** What a pool can hold, what it may run at once, and what happens when tasks fail. */
@ExtendWith(StratoflowCluster.class)
class AdmissionTest {

    private static final String NAMESPACE = "admission";
    private final KubernetesClient client = StratoflowCluster.client();

    @BeforeAll
    static void namespace() {
        StratoflowCluster.createNamespace(NAMESPACE);
    }

    @Test
    void aRequestNoPoolCanHoldIsRefusedBeforeAnyPodExists() {
        List<HasMetadata> example = Fixtures.load(Fixtures.example("big-sum.yaml"));
        client.resource(Fixtures.first(example, Flow.class)).inNamespace(NAMESPACE).create();
        Run run = Fixtures.first(example, Run.class);
        // as `run --with kubernetes:memory=512000` asks
        run.getSpec().overrides = new ResourceRequest();
        run.getSpec().overrides.memory = "512000M";
        client.resource(run).inNamespace(NAMESPACE).create();

        Run refused = Runs.awaitPhase(client, NAMESPACE, run.getMetadata().getName(), "Failed", Duration.ofSeconds(60));
        assertThat(refused.getStatus().message).contains("Step 'start'").contains("512000M").contains("more than a node of ComputePool 'default'")
                .contains("refuses to execute");
        assertThat(Runs.pods(client, NAMESPACE, run.getMetadata().getName())).isEmpty();
    }

    @Test
    void aTaskThatFitsThePoolButNoNodeIsReportedUnschedulableThenFails() {
        pool("burst", Map.of("outerbounds.co/provider", "aws"), new PoolResources("8", "64Gi", null), null);
        client.resource(Flows.fanOut("too-big", 1, "1", "48Gi", "burst")).inNamespace(NAMESPACE).create();
        client.resource(Flows.run("too-big-1", "too-big", 4, 10)).inNamespace(NAMESPACE).create();

        Run waiting = Runs.awaitCondition(client, NAMESPACE, "too-big-1", "Unschedulable", Duration.ofSeconds(120));
        assertThat(waiting.getStatus().conditions.stream().filter(c -> c.getType().equals("Unschedulable")).findFirst().orElseThrow()
                .getMessage()).contains("Insufficient memory");
        Run failed = Runs.awaitPhase(client, NAMESPACE, "too-big-1", "Failed", Duration.ofSeconds(90));
        assertThat(failed.getStatus().message).contains("could not be scheduled").contains("Insufficient memory");
    }

    @Test
    void aPoolQuotaOfEightCpusAdmitsEightOneCpuTasksAtATimeAndTheFanOutCompletes() {
        pool("quota8", Map.of("stratoflow.io/pool-group", "onprem"), new PoolResources("16", "64Gi", null), new PoolResources("8", "64Gi", null));
        Flow flow = Flows.fanOut("quota", 20, "1", "1Gi", "quota8");
        Fixtures.runsFor(Fixtures.step(flow, "work"), 1500);
        client.resource(flow).inNamespace(NAMESPACE).create();
        client.resource(Flows.run("quota-1", "quota", 16, 20)).inNamespace(NAMESPACE).create();

        AtomicInteger mostAtOnce = new AtomicInteger();
        Awaitility.await("quota run to finish").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200)).until(() -> {
            long live = Runs.pods(client, NAMESPACE, "quota-1", "work").stream().filter(Fixtures::live).count();
            mostAtOnce.accumulateAndGet((int) live, Math::max);
            Run run = client.resources(Run.class).inNamespace(NAMESPACE).withName("quota-1").get();
            return run.getStatus() != null && "Succeeded".equals(run.getStatus().phase);
        });
        assertThat(mostAtOnce.get()).as("most work Pods live at once").isLessThanOrEqualTo(8).isGreaterThanOrEqualTo(4);
        assertThat(Runs.pods(client, NAMESPACE, "quota-1", "work")).hasSize(20);
    }

    /** Five Runs created at once on one pool: a watcher sees every change of their Pods, and they never hold more than the quota. */
    @Test
    void fiveRunsCreatedAtOnceNeverHoldMoreThanThePoolsQuotaTogether() throws Exception {
        pool("shared8", Map.of("stratoflow.io/pool-group", "onprem"), new PoolResources("16", "64Gi", null), new PoolResources("8", "64Gi", null));
        Flow flow = Flows.fanOut("shared", 20, "1", "1Gi", "shared8");
        Fixtures.runsFor(Fixtures.step(flow, "work"), 1500);
        client.resource(flow).inNamespace(NAMESPACE).create();

        Map<String, Boolean> live = new ConcurrentHashMap<>();
        AtomicInteger mostAtOnce = new AtomicInteger();
        AtomicInteger changesSeen = new AtomicInteger();
        ResourceEventHandler<Pod> watcher = new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod pod) {
                seen(pod);
            }

            @Override
            public void onUpdate(Pod old, Pod pod) {
                seen(pod);
            }

            @Override
            public void onDelete(Pod pod, boolean unknownFinalState) {
                live.remove(pod.getMetadata().getName());
            }

            private void seen(Pod pod) {
                if (!"work".equals(pod.getMetadata().getLabels().get(TaskPodKeys.STEP_LABEL))) {
                    return;
                }
                changesSeen.incrementAndGet();
                live.put(pod.getMetadata().getName(), Fixtures.live(pod));
                mostAtOnce.accumulateAndGet((int) live.values().stream().filter(Boolean::booleanValue).count(), Math::max);
            }
        };
        List<String> names = List.of("shared-1", "shared-2", "shared-3", "shared-4", "shared-5");
        try (SharedIndexInformer<Pod> informer = client.pods().inNamespace(NAMESPACE).withLabel(TaskPodKeys.FLOW_LABEL, "shared").inform(watcher)) {
            ExecutorService creators = Executors.newFixedThreadPool(names.size());
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> created = new ArrayList<>();
            for (String name : names) {
                created.add(creators.submit(() -> {
                    go.await();
                    return client.resource(Flows.run(name, "shared", 20, 20)).inNamespace(NAMESPACE).create();
                }));
            }
            go.countDown();
            for (Future<?> run : created) {
                run.get(30, TimeUnit.SECONDS);
            }
            creators.shutdown();
            for (String name : names) {
                Runs.awaitPhase(client, NAMESPACE, name, "Succeeded", Duration.ofMinutes(4));
            }
        }
        System.out.printf("5 Runs x 20 one-CPU tasks on a pool with a quota of 8 CPUs: at most %d work Pods live at once (%d Pod changes watched)%n",
                mostAtOnce.get(), changesSeen.get());
        assertThat(mostAtOnce.get()).as("most work Pods of the five Runs live at once").isLessThanOrEqualTo(8).isGreaterThanOrEqualTo(4);
        for (String name : names) {
            assertThat(Runs.pods(client, NAMESPACE, name, "work")).as(name).hasSize(20);
        }
    }

    @Test
    void aFailingPodIsRetriedAsDeclaredThenFailsTheRunWithTheReason() {
        Flow flow = Flows.fanOut("flaky", 1, "100m", "64M", null);
        Fixtures.fails(Fixtures.step(flow, "work"));
        Fixtures.step(flow, "work").retry = new RetrySpec(2, 1);
        client.resource(flow).inNamespace(NAMESPACE).create();
        client.resource(Flows.run("flaky-1", "flaky", 4, 10)).inNamespace(NAMESPACE).create();

        Run failed = Runs.awaitPhase(client, NAMESPACE, "flaky-1", "Failed", Duration.ofMinutes(2));
        assertThat(failed.getStatus().message).contains("Step 'work'").contains("after 3 attempts").contains("simulated failure");
        List<Pod> attempts = Runs.pods(client, NAMESPACE, "flaky-1", "work");
        assertThat(attempts).extracting(p -> p.getMetadata().getName())
                .containsExactlyInAnyOrder("flaky-1-work-0-0", "flaky-1-work-0-1", "flaky-1-work-0-2");
        assertThat(attempts).allMatch(p -> "Failed".equals(p.getStatus().getPhase()));
    }

    private void pool(String name, Map<String, String> selector, PoolResources max, PoolResources quota) {
        ComputePool pool = new ComputePool();
        pool.setMetadata(new ObjectMetaBuilder().withName(name).build());
        pool.setSpec(new ComputePoolSpec());
        pool.getSpec().nodeSelector.putAll(selector);
        pool.getSpec().maxTaskResources = max;
        pool.getSpec().quota = quota;
        client.resource(pool).serverSideApply();
    }
}
