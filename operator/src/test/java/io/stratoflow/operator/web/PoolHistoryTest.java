package io.stratoflow.operator.web;

import io.stratoflow.model.ComputePool;
import io.stratoflow.model.PoolResources;
import io.stratoflow.operator.run.RunCache;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.stratoflow.operator.Fixtures.eventually;
import static io.stratoflow.operator.Fixtures.pool;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Status view's samples keep coming when reading the pools failed at first, as it does while the operator starts
 * (its informer caches throw until they have started): before, the first failure ended the sampling for good.
 */
class PoolHistoryTest {

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stop() {
        timer.shutdownNow();
    }

    @Test
    void samplesArriveAfterTheFirstReadsOfThePoolsFailed() {
        PoolHistory history = new PoolHistory();
        history.cache = new PoolsReadableAfterTwoFailures(pool("gpu", new PoolResources("8", "32Gi", null)));

        timer.scheduleAtFixedRate(history.sampling(), 0, 5, TimeUnit.MILLISECONDS);

        eventually().until(() -> history.of("gpu").size() >= 3);
        assertThat(history.of("gpu").get(0).nodes()).isZero();
    }

    @Test
    void nothingIsReadBeforeTheCachesHaveStarted() {
        PoolHistory history = new PoolHistory();
        history.cache = new RunCache(); // handed no caches yet: not ready

        history.sampling().run();

        assertThat(history.cache.ready()).isFalse();
        assertThat(history.of("gpu")).isEmpty();
    }

    private static final class PoolsReadableAfterTwoFailures extends RunCache {
        private final ComputePool pool;
        private final AtomicInteger reads = new AtomicInteger();

        PoolsReadableAfterTwoFailures(ComputePool pool) {
            this.pool = pool;
        }

        @Override
        public boolean ready() {
            return true;
        }

        @Override
        public List<ComputePool> pools() {
            if (reads.incrementAndGet() <= 2) {
                throw new NullPointerException("Cannot invoke \"InformerManager.list()\" because \"this.cache\" is null");
            }
            return List.of(pool);
        }
    }
}
