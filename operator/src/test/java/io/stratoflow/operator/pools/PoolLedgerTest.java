package io.stratoflow.operator.pools;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.stratoflow.model.PoolResources;
import io.stratoflow.operator.pods.TaskPodNames;
import io.stratoflow.operator.pods.TaskResources;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class PoolLedgerTest {

    static final String POOL = "onprem";
    static final PoolResources QUOTA = new PoolResources("8", "64Gi", 2);

    @Test
    void admitsWhatFitsInOrderAndCountsWhatItAdmittedUntilTheInformerShowsIt() {
        PoolLedger ledger = new PoolLedger();
        List<Pod> informer = new ArrayList<>();
        List<String> first = ledger.admit(POOL, QUOTA, null, candidates("a", 6, "1"), () -> informer);
        assertThat(first).containsExactly("a-0", "a-1", "a-2", "a-3", "a-4", "a-5");

        // another Run, reconciled before the informer shows any of a's Pods: only 2 CPUs are left
        assertThat(ledger.admit(POOL, QUOTA, null, candidates("b", 6, "1"), () -> informer)).containsExactly("b-0", "b-1");

        // the informer now shows a's Pods (live): their reservations give way to them, nothing counted twice
        first.forEach(name -> informer.add(pod(name, "1", "Pending")));
        assertThat(ledger.reservations(POOL)).isEqualTo(8);
        assertThat(ledger.admit(POOL, QUOTA, null, candidates("c", 1, "1"), () -> informer)).isEmpty();
        assertThat(ledger.reservations(POOL)).isEqualTo(2);

        // two of a's Pods finish: two more fit
        informer.set(0, pod("a-0", "1", "Succeeded"));
        informer.set(1, pod("a-1", "1", "Failed"));
        assertThat(ledger.admit(POOL, QUOTA, null, candidates("c", 3, "1"), () -> informer)).containsExactly("c-0", "c-1");
    }

    @Test
    void stopsAtTheFirstTaskThatDoesNotFitSoThatItIsNotOvertaken() {
        PoolLedger ledger = new PoolLedger();
        List<PoolLedger.Candidate> mixed = List.of(candidate("big-0", "6"), candidate("big-1", "6"), candidate("small-0", "1"));
        assertThat(ledger.admit(POOL, QUOTA, null, mixed, List::of)).containsExactly("big-0");
    }

    @Test
    void aCandidateAdmittedBeforeIsNotCountedTwiceAndAFailedCreationGivesItsShareBack() {
        PoolLedger ledger = new PoolLedger();
        assertThat(ledger.admit(POOL, QUOTA, null, candidates("a", 8, "1"), List::of)).hasSize(8);
        assertThat(ledger.admit(POOL, QUOTA, null, candidates("a", 8, "1"), List::of)).hasSize(8);
        assertThat(ledger.admit(POOL, QUOTA, null, candidates("b", 1, "1"), List::of)).isEmpty();
        ledger.release(POOL, "a-3");
        assertThat(ledger.admit(POOL, QUOTA, null, candidates("b", 2, "1"), List::of)).containsExactly("b-0");
    }

    @Test
    void theReservationsOfARunThatIsGoneStopCountingAtOnce() {
        PoolLedger ledger = new PoolLedger();
        PoolQueue.RunKey older = new PoolQueue.RunKey("2026-12-07T10:00:00Z", "team", "older");
        PoolQueue.RunKey younger = new PoolQueue.RunKey("2026-12-07T10:01:00Z", "team", "younger");
        // the older Run's Pods are created, and the Run deleted before the informer ever shows them
        assertThat(ledger.admit(POOL, QUOTA, older, candidates("older", 8, "1"), List::of)).hasSize(8);
        assertThat(ledger.admit(POOL, QUOTA, younger, candidates("younger", 1, "1"), List::of)).isEmpty();

        ledger.retainOwnersThat(run -> !run.equals(older));
        assertThat(ledger.reservations(POOL)).isZero();
        assertThat(ledger.admit(POOL, QUOTA, younger, candidates("younger", 1, "1"), List::of)).containsExactly("younger-0");
        ledger.retainOwnersThat(run -> !run.equals(older));
        assertThat(ledger.reservations(POOL)).as("the younger Run's reservation stays").isEqualTo(1);
    }

    @Test
    void gpusAndMemoryAreHeldToo() {
        PoolLedger ledger = new PoolLedger();
        List<PoolLedger.Candidate> gpuTasks = List.of(new PoolLedger.Candidate("g-0", resources("1", "1Gi", 1)),
                new PoolLedger.Candidate("g-1", resources("1", "1Gi", 1)), new PoolLedger.Candidate("g-2", resources("1", "1Gi", 1)));
        assertThat(ledger.admit(POOL, QUOTA, null, gpuTasks, List::of)).containsExactly("g-0", "g-1");
        List<PoolLedger.Candidate> memoryTasks = List.of(new PoolLedger.Candidate("m-0", resources("1", "40Gi", 0)),
                new PoolLedger.Candidate("m-1", resources("1", "40Gi", 0)));
        assertThat(ledger.admit("other", QUOTA, null, memoryTasks, List::of)).containsExactly("m-0");
    }

    @Test
    void aReservationWhosePodNeverAppearsExpires() {
        AtomicLong now = new AtomicLong();
        PoolLedger ledger = new PoolLedger(now::get);
        assertThat(ledger.admit(POOL, QUOTA, null, candidates("a", 8, "1"), List::of)).hasSize(8);
        assertThat(ledger.admit(POOL, QUOTA, null, candidates("b", 1, "1"), List::of)).isEmpty();
        now.addAndGet(PoolLedger.RESERVATION_LIFETIME.toNanos() + 1);
        assertThat(ledger.admit(POOL, QUOTA, null, candidates("b", 1, "1"), List::of)).containsExactly("b-0");
    }

    /**
     * Many interleavings of reconciles of several Runs, Pod creations (some failing), an informer
     * that shows creations and completions late and in any order, and tasks finishing: the Pods
     * that really exist and run never request more than the quota, and every task finishes.
     */
    @Test
    void noInterleavingOfReconcilesCreationsAndALaggingInformerExceedsTheQuota() {
        for (long seed = 0; seed < 200; seed++) {
            new Simulation(new Random(seed)).run(seed);
        }
    }

    /** Real threads: reconcile threads admit concurrently while others create, show and finish Pods. */
    @Test
    void concurrentReconcileThreadsNeverExceedTheQuota() throws Exception {
        PoolLedger ledger = new PoolLedger();
        Map<String, Pod> informer = new ConcurrentHashMap<>();
        Map<String, Integer> existing = new ConcurrentHashMap<>(); // truth: Pods created and not finished, with their CPUs
        Set<String> finished = ConcurrentHashMap.newKeySet();
        Set<String> created = ConcurrentHashMap.newKeySet(); // a second create of the same name is refused, as the API server does
        AtomicInteger liveCpus = new AtomicInteger();
        AtomicInteger worst = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        int runs = 5;
        int tasks = 40;
        ExecutorService threads = Executors.newFixedThreadPool(runs + 1);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> reconcilers = new ArrayList<>();
        for (int r = 0; r < runs; r++) {
            String run = "r" + r;
            reconcilers.add(threads.submit(() -> {
                start.await();
                Random random = new Random(run.hashCode());
                while (finished.stream().filter(name -> name.startsWith(run + "-")).count() < tasks) {
                    List<PoolLedger.Candidate> candidates = new ArrayList<>();
                    for (int t = 0; t < tasks; t++) {
                        String name = run + "-" + t;
                        if (!informer.containsKey(name) && !finished.contains(name)) {
                            candidates.add(candidate(name, "1"));
                        }
                    }
                    for (String name : ledger.admit(POOL, QUOTA, null, candidates, () -> List.copyOf(informer.values()))) {
                        if (created.add(name)) {
                            // one counter, not a sum over the map: iterating it while others change it can count a
                            // finished Pod and its successor together, which never existed at once
                            worst.accumulateAndGet(liveCpus.addAndGet(1), Math::max);
                            existing.put(name, 1);
                            // the Pod's first watch event, unless a later one (Running, Succeeded) came first: an
                            // informer never goes back, and a finished Pod shown Running again would hold its CPU forever
                            if (random.nextInt(4) > 0) {
                                informer.putIfAbsent(name, pod(name, "1", "Running"));
                            }
                        }
                    }
                    Thread.onSpinWait();
                }
                return null;
            }));
        }
        Future<?> kubelet = threads.submit(() -> {
            start.await();
            Random random = new Random(7);
            while (!stop.get()) {
                for (String name : List.copyOf(existing.keySet())) {
                    if (random.nextInt(3) == 0) {
                        informer.put(name, pod(name, "1", "Running")); // a late watch event
                    }
                    if (random.nextInt(5) == 0 && informer.containsKey(name)) {
                        finished.add(name);
                        existing.remove(name); // resources free before the informer says so
                        liveCpus.addAndGet(-1);
                        informer.put(name, pod(name, "1", "Succeeded"));
                    }
                }
                Thread.onSpinWait();
            }
            return null;
        });
        start.countDown();
        // a bound on liveness, generous: these threads spin on 2 cores beside the suite's other tests
        for (Future<?> reconciler : reconcilers) {
            reconciler.get(180, TimeUnit.SECONDS);
        }
        stop.set(true);
        kubelet.get(10, TimeUnit.SECONDS);
        threads.shutdown();
        assertThat(worst.get()).isBetween(1, 8);
        assertThat(finished).hasSize(runs * tasks);
    }

    /** One seeded interleaving: each step is one of the things that happen at once on a cluster. */
    private static final class Simulation {
        private final Random random;
        private final PoolLedger ledger = new PoolLedger();
        private final Map<String, Integer> cpus = new HashMap<>();
        private final Map<String, String> informer = new LinkedHashMap<>(); // name -> phase the informer shows
        private final Set<String> creating = new HashSet<>();
        private final Map<String, Pod> pods = new HashMap<>(); // by name and phase: built once
        private final Map<String, Boolean> live = new LinkedHashMap<>(); // truth: created, and running (true) or finished (false)
        private final int runs;
        private final int tasksPerRun;

        Simulation(Random random) {
            this.random = random;
            this.runs = 2 + random.nextInt(5);
            this.tasksPerRun = 3 + random.nextInt(12);
            for (int r = 0; r < runs; r++) {
                for (int t = 0; t < tasksPerRun; t++) {
                    cpus.put("r" + r + "-" + t, 1 + random.nextInt(3));
                }
            }
        }

        void run(long seed) {
            int total = runs * tasksPerRun;
            for (int step = 0; step < 200_000 && finishedCount() < total; step++) {
                switch (random.nextInt(5)) {
                    case 0 -> reconcile("r" + random.nextInt(runs));
                    case 1 -> pick(creating).ifPresent(name -> {
                        creating.remove(name);
                        if (random.nextInt(8) == 0) {
                            ledger.release(POOL, name); // the API server refused it
                        } else {
                            live.putIfAbsent(name, true);
                        }
                    });
                    case 2 -> pick(live.keySet()).ifPresent(name -> informer.put(name, live.get(name) ? "Running" : "Succeeded"));
                    case 3 -> pick(live.keySet()).filter(live::get).ifPresent(name -> live.put(name, false));
                    default -> {
                    }
                }
                int used = live.entrySet().stream().filter(Map.Entry::getValue).mapToInt(e -> cpus.get(e.getKey())).sum();
                assertThat(used).as("seed %d, step %d: CPUs requested by running Pods", seed, step).isLessThanOrEqualTo(8);
            }
            assertThat(finishedCount()).as("seed %d: every task finishes", seed).isEqualTo(total);
        }

        private long finishedCount() {
            return live.values().stream().filter(running -> !running).count();
        }

        /** What TaskPodCreator does for one Run: its tasks without a Pod the informer shows ask to be admitted. */
        private void reconcile(String run) {
            List<PoolLedger.Candidate> candidates = new ArrayList<>();
            for (int t = 0; t < tasksPerRun; t++) {
                String name = run + "-" + t;
                if (!informer.containsKey(name)) {
                    candidates.add(new PoolLedger.Candidate(name, resources(String.valueOf(cpus.get(name)), "1Gi", 0)));
                }
            }
            List<Pod> shown = informer.entrySet().stream().map(e -> pods.computeIfAbsent(e.getKey() + "/" + e.getValue(),
                    k -> pod(e.getKey(), String.valueOf(cpus.get(e.getKey())), e.getValue()))).toList();
            for (String name : ledger.admit(POOL, QUOTA, null, candidates, () -> shown)) {
                if (!live.containsKey(name)) {
                    creating.add(name);
                }
            }
        }

        private <T> java.util.Optional<T> pick(Collection<T> from) {
            if (from.isEmpty()) {
                return java.util.Optional.empty();
            }
            int index = random.nextInt(from.size());
            return from.stream().skip(index).findFirst();
        }
    }

    static List<PoolLedger.Candidate> candidates(String run, int count, String cpu) {
        List<PoolLedger.Candidate> candidates = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            candidates.add(candidate(run + "-" + i, cpu));
        }
        return candidates;
    }

    static PoolLedger.Candidate candidate(String name, String cpu) {
        return new PoolLedger.Candidate(name, resources(cpu, "1Gi", 0));
    }

    static TaskResources resources(String cpu, String memory, int gpu) {
        return new TaskResources(new Quantity(cpu), new Quantity(memory), gpu, null, gpu > 0 ? TaskResources.NVIDIA_GPU : null);
    }

    static Pod pod(String name, String cpu, String phase) {
        return new PodBuilder()
                .withNewMetadata().withName(name).addToLabels(TaskPodNames.POOL_LABEL, POOL).endMetadata()
                .withNewSpec().addNewContainer().withName("task").withNewResources()
                .addToRequests("cpu", new Quantity(cpu)).addToRequests("memory", new Quantity("1Gi")).endResources().endContainer().endSpec()
                .withNewStatus().withPhase(phase).endStatus()
                .build();
    }
}
