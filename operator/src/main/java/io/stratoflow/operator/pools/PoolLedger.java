package io.stratoflow.operator.pools;

import io.fabric8.kubernetes.api.model.Pod;
import io.stratoflow.model.PoolResources;
import io.stratoflow.operator.pods.TaskPodNames;
import io.stratoflow.operator.pods.TaskResources;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Admission to a pool's quota, shared by every reconcile thread. The informer's Pods lag behind
 * the Pods just created, so a pool's usage is the live Pods the informer knows plus the Pods
 * admitted here that it does not show yet: a reservation lasts from admission until the
 * informer shows its Pod (or its creation fails, or it expires). Checking and reserving happen
 * under the pool's lock, so two Runs reconciled at once never both take the last CPU.
 */
@ApplicationScoped
public class PoolLedger {

    /** A reservation whose Pod never appears (deleted before the informer saw it) stops counting after this. */
    static final Duration RESERVATION_LIFETIME = Duration.ofMinutes(2);

    /** A task asking to start: its Pod's name and what it requests. */
    public record Candidate(String podName, TaskResources resources) {
    }

    /** What an admitted Pod takes until the informer shows it; {@code owner} is its Run (null where the caller did not say). */
    private record Reservation(TaskResources resources, long since, PoolQueue.RunKey owner) {
    }

    private final Map<String, Map<String, Reservation>> reserved = new ConcurrentHashMap<>();
    private final LongSupplier clock;

    public PoolLedger() {
        this(System::nanoTime);
    }

    PoolLedger(LongSupplier clock) {
        this.clock = clock;
    }

    /**
     * Admits {@code candidates} in order while they fit {@code quota}, counting the pool's live Pods
     * among {@code knownPods} and the reservations those do not show yet, and reserves what it
     * admits. Stops at the first that does not fit, so a large task is not overtaken for ever by
     * smaller ones behind it.
     *
     * @param owner     the Run whose Pods these are: its end or deletion releases their reservations (null for none)
     * @param knownPods the informer's Pods, read under the lock: a list taken earlier could miss a
     *                  Pod whose reservation another thread has since dropped
     * @return the names of the admitted Pods, a prefix of the candidates
     */
    public List<String> admit(String pool, PoolResources quota, PoolQueue.RunKey owner, List<Candidate> candidates,
                              Supplier<Collection<Pod>> knownPods) {
        Map<String, Reservation> pending = reserved.computeIfAbsent(pool, p -> new LinkedHashMap<>());
        synchronized (pending) {
            Collection<Pod> known = knownPods.get();
            PoolUsage usage = PoolUsage.of(pool, known);
            Set<String> shown = namesIn(pool, known);
            long now = clock.getAsLong();
            pending.values().removeIf(r -> now - r.since() > RESERVATION_LIFETIME.toNanos());
            pending.keySet().removeAll(shown);
            pending.values().forEach(r -> usage.add(r.resources()));
            List<String> admitted = new ArrayList<>();
            for (Candidate candidate : candidates) {
                if (pending.containsKey(candidate.podName()) || shown.contains(candidate.podName())) {
                    admitted.add(candidate.podName()); // created or being created, and counted already
                    continue;
                }
                if (!usage.admits(candidate.resources(), quota)) {
                    break;
                }
                usage.add(candidate.resources());
                pending.put(candidate.podName(), new Reservation(candidate.resources(), now, owner));
                admitted.add(candidate.podName());
            }
            return admitted;
        }
    }

    /** Gives back what an admitted Pod reserved when its creation failed. */
    public void release(String pool, String podName) {
        Map<String, Reservation> pending = reserved.get(pool);
        if (pending != null) {
            synchronized (pending) {
                pending.remove(podName);
            }
        }
    }

    /**
     * Drops the reservations of Runs that do not {@code exist} any more: a Run deleted just after it created a Pod (which
     * its garbage-collected Pod then never shows) must not hold the pool's quota until the reservation expires.
     */
    public void retainOwnersThat(Predicate<PoolQueue.RunKey> exist) {
        for (Map<String, Reservation> pending : reserved.values()) {
            synchronized (pending) {
                pending.values().removeIf(r -> r.owner() != null && !exist.test(r.owner()));
            }
        }
    }

    /** What is reserved in {@code pool} and not yet shown by the informer. */
    int reservations(String pool) {
        Map<String, Reservation> pending = reserved.get(pool);
        if (pending == null) {
            return 0;
        }
        synchronized (pending) {
            return pending.size();
        }
    }

    private static Set<String> namesIn(String pool, Collection<Pod> pods) {
        Set<String> names = new HashSet<>();
        for (Pod pod : pods) {
            if (pool.equals(pod.getMetadata().getLabels().get(TaskPodNames.POOL_LABEL))) {
                names.add(pod.getMetadata().getName());
            }
        }
        return names;
    }
}
