package io.stratoflow.operator.pools;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Quota is granted in order across Runs: the oldest waiting Run first. */
class PoolQueueTest {

    static final PoolQueue.RunKey OLDER = new PoolQueue.RunKey("2025-01-01T00:00:00Z", "ns", "older");
    static final PoolQueue.RunKey YOUNGER = new PoolQueue.RunKey("2025-01-01T00:00:05Z", "ns", "younger");

    @Test
    void theOldestWaitingRunIsFirstInLine() {
        PoolQueue queue = new PoolQueue();
        assertThat(queue.firstInLine("gpu", YOUNGER)).isTrue();
        queue.waiting("gpu", YOUNGER, 3);
        queue.waiting("gpu", OLDER, 2);
        assertThat(queue.firstInLine("gpu", OLDER)).isTrue();
        assertThat(queue.firstInLine("gpu", YOUNGER)).isFalse();
        assertThat(queue.firstInLine("cpu", YOUNGER)).isTrue();
        assertThat(queue.waitingIn("gpu")).isEqualTo(5);

        queue.waiting("gpu", OLDER, 0);
        assertThat(queue.firstInLine("gpu", YOUNGER)).isTrue();
        queue.forget(YOUNGER);
        assertThat(queue.waitingIn("gpu")).isZero();
    }

    @Test
    void aRunThatNoLongerExistsLeavesTheLine() {
        PoolQueue queue = new PoolQueue();
        queue.waiting("gpu", OLDER, 2);
        queue.waiting("gpu", YOUNGER, 1);
        queue.retainExisting(run -> !run.equals(OLDER));
        assertThat(queue.firstInLine("gpu", YOUNGER)).isTrue();
        assertThat(queue.waitingIn("gpu")).isEqualTo(1);
    }
}
