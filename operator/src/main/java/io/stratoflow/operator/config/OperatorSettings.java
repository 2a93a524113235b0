package io.stratoflow.operator.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;

/**
 * Stratoflow's own operator settings, under {@code stratoflow.operator.*} in
 * {@code application.properties} (or {@code STRATOFLOW_OPERATOR_*} environment variables).
 * The operator SDK's settings stay under {@code quarkus.operator-sdk.*}.
 */
@ConfigMapping(prefix = "stratoflow.operator")
public interface OperatorSettings {

    /**
     * Upper bound on Pod creations per second, across all Runs, so that a wide foreach
     * does not flood the API server.
     */
    @WithDefault("50")
    double podCreatesPerSecond();

    /** Pod creations in flight at once, so that a wide foreach is not paced by one request's round trip. */
    @WithDefault("8")
    int podCreationThreads();

    /**
     * How long a task Pod may stay unschedulable before the operator reports it on the Run
     * (condition and Event) instead of waiting on it silently.
     */
    @WithDefault("PT2M")
    Duration unschedulableGracePeriod();

    /**
     * Whether a task's Pod is deleted once it succeeded and the Run's status records its result, so that the API
     * server holds only a wide foreach's running window. A Java step's logs and artifacts are in the datastore; a plain
     * container step's output that only its Pod's log holds goes with the Pod. Failed Pods are kept.
     */
    @WithDefault("true")
    boolean deleteSucceededPods();

    /** Container image of a step that names none: a Java runtime with the Stratoflow task runner. */
    @WithDefault("stratoflow/task-runner:0.1.0")
    String defaultImage();

    /** The datastore of SDK flows whose Flow names none, and how to reach it. */
    DatastoreSettings datastore();

    /** Where the datastore is and how to reach it; credentials come from {@link #secret()}, never from here. */
    interface DatastoreSettings {

        /** A directory shared with the tasks, or {@code s3://bucket/prefix}. */
        Optional<String> root();

        /** S3-compatible endpoint, e.g. {@code http://minio.storage:9000}; empty for AWS. */
        Optional<String> endpoint();

        Optional<String> region();

        @WithDefault("false")
        boolean pathStyle();

        /**
         * Secret, in each namespace with Runs, whose keys become the environment of SDK task Pods
         * ({@code AWS_ACCESS_KEY_ID}, {@code AWS_SECRET_ACCESS_KEY}, …). Empty when Pods get their
         * credentials otherwise (workload identity).
         */
        Optional<String> secret();
    }

    /**
     * Service account task Pods run as; it must exist in every namespace that has Runs. Empty
     * means the namespace's default service account.
     */
    Optional<String> taskServiceAccount();
}
