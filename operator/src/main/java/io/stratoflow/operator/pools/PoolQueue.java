package io.stratoflow.operator.pools;

import jakarta.enterprise.context.ApplicationScoped;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Predicate;

/**
 * Tasks waiting for a pool's quota, by Run in creation order: a Run's waiting tasks are admitted
 * only when no older Run waits for the same pool, so quota is granted in order across Runs.
 * Kept in memory; after a restart it fills again as Runs are reconciled.
 */
@ApplicationScoped
public class PoolQueue {

    /** Orders Runs by creation time, then namespace and name. */
    public record RunKey(String creationTimestamp, String namespace, String name) implements Comparable<RunKey> {
        @Override
        public int compareTo(RunKey other) {
            int byTime = creationTimestamp.compareTo(other.creationTimestamp);
            if (byTime != 0) {
                return byTime;
            }
            int byNamespace = namespace.compareTo(other.namespace);
            return byNamespace != 0 ? byNamespace : name.compareTo(other.name);
        }
    }

    private final Map<String, ConcurrentSkipListMap<RunKey, Integer>> waiting = new ConcurrentHashMap<>();

    /** Whether {@code run} is first in line for {@code pool} (no older Run waits for it). */
    public boolean firstInLine(String pool, RunKey run) {
        ConcurrentSkipListMap<RunKey, Integer> queue = waiting.get(pool);
        if (queue == null || queue.isEmpty()) {
            return true;
        }
        return queue.firstKey().compareTo(run) >= 0;
    }

    public void waiting(String pool, RunKey run, int tasks) {
        ConcurrentSkipListMap<RunKey, Integer> queue = waiting.computeIfAbsent(pool, p -> new ConcurrentSkipListMap<>());
        if (tasks > 0) {
            queue.put(run, tasks);
        } else {
            queue.remove(run);
        }
    }

    public int waitingIn(String pool) {
        ConcurrentSkipListMap<RunKey, Integer> queue = waiting.get(pool);
        return queue == null ? 0 : queue.values().stream().mapToInt(Integer::intValue).sum();
    }

    public void forget(RunKey run) {
        waiting.values().forEach(queue -> queue.remove(run));
    }

    /** Forgets the Runs that do not {@code exist} any more: a Run deleted while it waited must not hold the line. */
    public void retainExisting(Predicate<RunKey> exists) {
        waiting.values().forEach(queue -> queue.keySet().removeIf(run -> !exists.test(run)));
    }
}
