package io.stratoflow.operator.metrics;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Pod creations are timed by outcome; only the ones the API server refuses for good count as errors. */
class PodCreationMetricsTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final PodCreationMetrics metrics = new PodCreationMetrics(registry);

    @Test
    void aCreatedPodIsTimed() {
        metrics.timed("team-a", () -> { });
        assertThat(registry.get(PodCreationMetrics.LATENCY).tags("namespace", "team-a", "outcome", "created").timer().count()).isEqualTo(1);
        assertThat(registry.find(PodCreationMetrics.ERRORS).counters()).isEmpty();
    }

    @Test
    void aPodThatExistsAlreadyIsNoError() {
        assertThatThrownBy(() -> metrics.timed("team-a", () -> {
            throw new KubernetesClientException("exists", 409, null);
        })).isInstanceOf(KubernetesClientException.class);
        assertThat(registry.get(PodCreationMetrics.LATENCY).tags("outcome", "exists").timer().count()).isEqualTo(1);
        assertThat(registry.find(PodCreationMetrics.ERRORS).counters()).isEmpty();
    }

    @Test
    void aRefusedCreationIsAnErrorByStatusCode() {
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> metrics.timed("team-a", () -> {
                throw new KubernetesClientException("forbidden", 403, null);
            })).hasMessageContaining("forbidden");
        }
        assertThatThrownBy(() -> metrics.timed("team-b", () -> {
            throw new IllegalStateException("connection refused");
        })).isInstanceOf(IllegalStateException.class);

        assertThat(registry.get(PodCreationMetrics.ERRORS).tags("namespace", "team-a", "code", "403").counter().count()).isEqualTo(2);
        assertThat(registry.get(PodCreationMetrics.ERRORS).tags("namespace", "team-b", "code", "0").counter().count()).isEqualTo(1);
        assertThat(registry.get(PodCreationMetrics.LATENCY).tags("namespace", "team-a", "outcome", "failed").timer().count()).isEqualTo(2);
    }
}
