package io.stratoflow.operator.run;

import io.javaoperatorsdk.operator.processing.event.ResourceID;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Spaces out the reconciliations of a wide Run. Each one reads every task Pod of the Run, and in
 * a fan-out of thousands the Pod events never stop, so reconciling after each batch of events
 * would keep a core busy re-reading the same Pods. A Run waits, between two looks, a pause that
 * grows with its number of Pods (none for a small Run, at most a second); a Run still creating
 * Pods is not paced, so creation goes on at the rate the API server takes.
 */
final class ReconcilePacer {

    static final Duration PAUSE_PER_POD = Duration.ofNanos(50_000);
    static final Duration MAX_PAUSE = Duration.ofSeconds(1);

    private record Look(Instant at, int pods, boolean creating) {
    }

    private final Map<ResourceID, Look> lastLooks = new ConcurrentHashMap<>();

    /** How long the Run should wait before it is looked at again; zero when it may be now. */
    Duration pauseBefore(ResourceID run, Instant now) {
        Look last = lastLooks.get(run);
        if (last == null || last.creating()) {
            return Duration.ZERO;
        }
        Duration pause = PAUSE_PER_POD.multipliedBy(last.pods());
        if (pause.compareTo(MAX_PAUSE) > 0) {
            pause = MAX_PAUSE;
        }
        Duration left = pause.minus(Duration.between(last.at(), now));
        return left.isNegative() ? Duration.ZERO : left;
    }

    void looked(ResourceID run, Instant at, int pods, boolean creating) {
        lastLooks.put(run, new Look(at, pods, creating));
    }

    void forget(ResourceID run) {
        lastLooks.remove(run);
    }
}
