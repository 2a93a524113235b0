package io.stratoflow.e2e;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.stratoflow.e2e.support.Fixtures;
import io.stratoflow.e2e.support.Flows;
import io.stratoflow.e2e.support.OperatorProcess;
import io.stratoflow.e2e.support.Runs;
import io.stratoflow.e2e.support.StratoflowCluster;
import io.stratoflow.model.Flow;
import io.stratoflow.model.RetrySpec;
import io.stratoflow.model.Run;
import io.stratoflow.model.StepSpec;
import io.stratoflow.model.TaskPodKeys;
import io.stratoflow.task.TaskSpec;
import io.stratoflow.task.TaskSpecCodec;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The operator killed (SIGKILL) at random moments, 20 times, during a 1,000-way Run whose
 * every split fails its first attempt and succeeds on its retry, then a join: restarted each
 * time, it finishes the Run without creating a Pod twice, and the join receives every split
 * exactly once. Each kill is classified by what a watcher saw just before it.
 */
@ExtendWith(StratoflowCluster.class)
class OperatorChaosTest {

    private static final String NAMESPACE = "chaos";
    private static final String RUN = "chaos-1";
    private static final int SPLITS = 1000;
    private static final int KILLS = 20;
    /** A Pod created, or the Run written, this recently before a kill counts as the kill landing during it. */
    private static final long RECENT_NANOS = Duration.ofMillis(500).toNanos();

    private final KubernetesClient client = StratoflowCluster.client();

    @BeforeAll
    static void namespace() {
        StratoflowCluster.createNamespace(NAMESPACE);
    }

    @Test
    void killedTwentyTimesDuringA1000WayRunWithRetriesAndAJoinTheOperatorLosesNothingAndDuplicatesNothing() {
        Flow flow = Flows.fanOut("chaos", SPLITS, "10m", "16M", null);
        StepSpec work = Fixtures.step(flow, "work");
        Fixtures.runsFor(work, 3000);
        Fixtures.runsFor(Fixtures.step(flow, "join"), 3000);
        Fixtures.failsFirstAttempt(work);
        work.retry = new RetrySpec();
        work.retry.times = 1;
        client.resource(flow).inNamespace(NAMESPACE).create();

        long seed = System.nanoTime();
        Random random = new Random(seed);
        StratoflowCluster.operator().kill();
        OperatorProcess operator = StratoflowCluster.replica("chaos-operator");
        Observer observer = new Observer();
        try (Watch pods = client.pods().inNamespace(NAMESPACE).withLabel(TaskPodKeys.RUN_LABEL, RUN).watch(observer.pods());
             Watch runs = client.resources(Run.class).inNamespace(NAMESPACE).withName(RUN).watch(observer.runs())) {
            operator.start();
            long started = System.nanoTime();
            client.resource(Flows.run(RUN, "chaos", 50, SPLITS)).inNamespace(NAMESPACE).create();

            int duringCreation = 0;
            int duringStatusWrites = 0;
            int duringJoin = 0;
            boolean killedAtTheJoin = false;
            for (int kill = 1; kill <= KILLS; kill++) {
                awaitReady(operator);
                // the last kill is aimed at the join, which is otherwise a short window to hit at random
                boolean atTheJoin = kill == KILLS && !killedAtTheJoin;
                if (atTheJoin) {
                    Awaitility.await("every split finished").atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(20))
                            .until(observer::allSplitsSucceeded);
                }
                // the random moment of the kill: this pause is the experiment, not a wait for something
                pause(atTheJoin ? random.nextInt(300) : 500 + random.nextInt(4500));
                assertThat(observer.runFinished()).as("the Run outlasted kill %d", kill).isFalse();
                long now = System.nanoTime();
                boolean creating = now - observer.lastPodAdded.get() < RECENT_NANOS;
                boolean writing = now - observer.lastRunWrite.get() < RECENT_NANOS;
                boolean joining = observer.allSplitsSucceeded() && !observer.joinSucceeded();
                operator.kill();
                duringCreation += creating ? 1 : 0;
                duringStatusWrites += writing ? 1 : 0;
                duringJoin += joining ? 1 : 0;
                killedAtTheJoin |= joining;
                operator.start();
            }

            Run done = Runs.awaitPhase(client, NAMESPACE, RUN, "Succeeded", Duration.ofMinutes(10));
            System.out.printf("Operator killed %d times during a %,d-way Run with a retry per split (seed %d): %d during Pod creation, "
                            + "%d during status writes, %d during the join; the Run succeeded after %.0f s%n",
                    KILLS, SPLITS, seed, duringCreation, duringStatusWrites, duringJoin, (System.nanoTime() - started) / 1e9);

            assertThat(observer.addedTwice()).as("Pods created twice").isEmpty();
            List<Pod> workPods = Runs.pods(client, NAMESPACE, RUN, "work");
            Map<String, List<String>> attemptsBySplit = workPods.stream().collect(Collectors.groupingBy(
                    p -> p.getMetadata().getLabels().get(TaskPodKeys.TASK_LABEL),
                    Collectors.mapping(p -> p.getMetadata().getAnnotations().get(TaskPodKeys.ATTEMPT_ANNOTATION) + ":" + p.getStatus().getPhase(),
                            Collectors.toList())));
            assertThat(attemptsBySplit).hasSize(SPLITS);
            assertThat(attemptsBySplit.values()).as("every split: its first attempt failed, its retry succeeded, nothing more")
                    .allSatisfy(attempts -> assertThat(attempts).containsExactlyInAnyOrder("0:Failed", "1:Succeeded"));
            assertThat(Runs.pods(client, NAMESPACE, RUN, "start")).hasSize(1);
            assertThat(Runs.pods(client, NAMESPACE, RUN, "end")).hasSize(1);
            List<Pod> joins = Runs.pods(client, NAMESPACE, RUN, "join");
            assertThat(joins).as("one join").hasSize(1);
            TaskSpec join = joins.get(0).getSpec().getContainers().get(0).getEnv().stream()
                    .filter(e -> e.getName().equals(TaskSpecCodec.ENVIRONMENT_VARIABLE)).map(e -> TaskSpecCodec.decode(e.getValue()))
                    .findFirst().orElseThrow();
            assertThat(join.branches().count()).as("each split reaches the join exactly once").isEqualTo(SPLITS);
            assertThat(done.getStatus().progress).isEqualTo((SPLITS + 3) + "/" + (SPLITS + 3));
            assertThat(done.getStatus().engine.at("/steps/work/frames").toString()).contains("\"succeeded\":\"0-" + (SPLITS - 1) + "\"");
            assertThat(duringJoin).as("a kill landed during the join").isPositive();
        } finally {
            operator.kill();
            StratoflowCluster.operator().start();
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The operator's readiness endpoint answers 200: it runs and its informers have synced. */
    private static void awaitReady(OperatorProcess operator) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + operator.port() + "/q/health/ready"))
                .timeout(Duration.ofSeconds(2)).build();
        Awaitility.await("the operator ready").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                .until(() -> http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
    }

    /** What the API server shows of the Run while the operator comes and goes. */
    private static final class Observer {

        final AtomicLong lastPodAdded = new AtomicLong(Long.MIN_VALUE / 2);
        final AtomicLong lastRunWrite = new AtomicLong(Long.MIN_VALUE / 2);
        private final Map<String, Integer> added = new ConcurrentHashMap<>();
        private final Set<String> succeededSplits = ConcurrentHashMap.newKeySet();
        private volatile boolean joinSucceeded;
        private volatile String phase;

        Watcher<Pod> pods() {
            return new Watcher<>() {
                @Override
                public void eventReceived(Action action, Pod pod) {
                    String name = pod.getMetadata().getName();
                    if (action == Action.ADDED) {
                        lastPodAdded.set(System.nanoTime());
                        added.merge(name, 1, Integer::sum);
                    }
                    String step = pod.getMetadata().getLabels().get(TaskPodKeys.STEP_LABEL);
                    boolean succeeded = pod.getStatus() != null && "Succeeded".equals(pod.getStatus().getPhase());
                    if (succeeded && "work".equals(step)) {
                        succeededSplits.add(pod.getMetadata().getLabels().get(TaskPodKeys.TASK_LABEL));
                    } else if (succeeded && "join".equals(step)) {
                        joinSucceeded = true;
                    }
                }

                @Override
                public void onClose(WatcherException cause) {
                }
            };
        }

        Watcher<Run> runs() {
            return new Watcher<>() {
                @Override
                public void eventReceived(Action action, Run run) {
                    if (action == Action.MODIFIED) {
                        lastRunWrite.set(System.nanoTime());
                    }
                    phase = run.getStatus() == null ? null : run.getStatus().phase;
                }

                @Override
                public void onClose(WatcherException cause) {
                }
            };
        }

        boolean allSplitsSucceeded() {
            return succeededSplits.size() == SPLITS;
        }

        boolean joinSucceeded() {
            return joinSucceeded;
        }

        boolean runFinished() {
            return "Succeeded".equals(phase) || "Failed".equals(phase);
        }

        List<String> addedTwice() {
            return new ArrayList<>(added.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList());
        }
    }
}
