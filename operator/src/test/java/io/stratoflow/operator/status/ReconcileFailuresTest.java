package io.stratoflow.operator.status;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.stratoflow.datastore.DatastoreException;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class ReconcileFailuresTest {

    private final ReconcileFailures failures = new ReconcileFailures();
    private final ResourceID run = new ResourceID("r", "team");

    @Test
    void anUnreachableApiServerIsNamedAsSuch() {
        var failure = failures.failed(run, "Run", new KubernetesClientException("Failed to connect", new ConnectException("Connection refused")));
        assertThat(failure.reason()).isEqualTo("APIServerUnreachable");
        assertThat(failure.message()).contains("did not answer").contains("Connection refused").contains("Nothing is lost");
    }

    @Test
    void aRefusalPointsAtTheOperatorsRbac() {
        var failure = failures.failed(run, "Run", new KubernetesClientException("pods is forbidden", 403, null));
        assertThat(failure.reason()).isEqualTo("Forbidden");
        assertThat(failure.message()).contains("pods is forbidden").contains("RBAC");
    }

    @Test
    void aDatastoreFailureKeepsItsOwnAdvice() {
        var failure = failures.failed(run, "Run", new DatastoreException("bucket 'b' does not exist at http://s3: create it", null));
        assertThat(failure.reason()).isEqualTo("DatastoreUnavailable");
        assertThat(failure.message()).contains("bucket 'b' does not exist").contains("create it");
    }

    @Test
    void pausesDoubleUpToAMinuteAndStartOverAfterASuccess() {
        RuntimeException bug = new IllegalStateException("boom");
        assertThat(failures.failed(run, "Run", bug).retryAfter()).isEqualTo(Duration.ofSeconds(1));
        assertThat(failures.failed(run, "Run", bug).retryAfter()).isEqualTo(Duration.ofSeconds(2));
        for (int i = 0; i < 10; i++) {
            failures.failed(run, "Run", bug);
        }
        var last = failures.failed(run, "Run", bug);
        assertThat(last.retryAfter()).isEqualTo(Duration.ofMinutes(1));
        assertThat(last.reason()).isEqualTo("ReconcileFailed");
        assertThat(last.message()).as("the same from one failure to the next").isEqualTo(failures.failed(run, "Run", bug).message());
        assertThat(failures.succeeded(run)).isTrue();
        assertThat(failures.succeeded(run)).isFalse();
        assertThat(failures.failed(run, "Run", bug).retryAfter()).isEqualTo(Duration.ofSeconds(1));
    }
}
