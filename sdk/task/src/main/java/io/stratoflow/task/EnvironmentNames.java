package io.stratoflow.task;

import io.stratoflow.datastore.Datastore;

/**
 * Every {@code STRATOFLOW_*} environment variable that Stratoflow's Java code, its task runner's
 * launcher or its images write or read. Java code names them only through these constants;
 * {@code EnvironmentNamesTest} checks that the chart, the launcher script, the dev scripts and the
 * docs spell them the same way.
 *
 * <p>The operator's own settings ({@code STRATOFLOW_OPERATOR_*}, {@code STRATOFLOW_WEB_*} and the
 * like, which the chart sets) are not here: Quarkus maps them onto its configuration properties
 * ({@code stratoflow.operator.…}), so no Java code spells them.
 */
public final class EnvironmentNames {

    // --- A task's container: set by the operator (and by the CLI for tasks on this machine) --------------

    /** The task's description, encoded by {@link TaskSpecCodec}; read by the task runner ({@code TaskMain}). */
    public static final String TASK = "STRATOFLOW_TASK";

    // A plain container (a shell step, another language) gets these instead of TASK, for its script to read.

    /** The flow's name. */
    public static final String FLOW = "STRATOFLOW_FLOW";
    /** The run's id. */
    public static final String RUN = "STRATOFLOW_RUN";
    /** The step's name. */
    public static final String STEP = "STRATOFLOW_STEP";
    /** The task's id within its step: its foreach indices ({@code 3}, {@code 3.1}), {@code 0} outside a foreach. */
    public static final String TASK_ID = "STRATOFLOW_TASK_ID";
    /** The attempt's number (a retry's is higher). */
    public static final String ATTEMPT = "STRATOFLOW_ATTEMPT";
    /** For a task inside a foreach: its index in the innermost foreach. */
    public static final String FOREACH_INDEX = "STRATOFLOW_FOREACH_INDEX";
    /**
     * The tasks it starts from, in {@link TaskSpecCodec}'s encoding of the spec's {@code parents} and {@code branches}:
     * {@code {"parents":[{"step":"a","taskId":"0"},{"step":"b","taskId":"0"}]}}, or for the join of a foreach
     * {@code {"branches":{"step":…,"prefix":…,"count":N}}} (branch {@code i}'s task id is {@code prefix.i}, or
     * {@code i} with an empty prefix), or {@code {}} for a run's first task.
     */
    public static final String INPUTS = "STRATOFLOW_INPUTS";

    // --- The task runner and its launcher (bin/stratoflow-task): set by a step's env or by an image --------

    /** Seconds between uploads of a running task's logs (fractions allowed, 0 disables them); read by the task runner. */
    public static final String LOG_FLUSH_SECONDS = "STRATOFLOW_LOG_FLUSH_SECONDS";
    /** Entries the launcher puts before the runner's own jars; the examples image sets it to its flows' classes. */
    public static final String TASK_CLASSPATH = "STRATOFLOW_TASK_CLASSPATH";
    /** JVM options the launcher gives the task's JVM instead of its defaults. */
    public static final String TASK_JAVA_OPTIONS = "STRATOFLOW_TASK_JAVA_OPTIONS";
    /** Where the task runner is installed; the images set it for scripts that need its files. */
    public static final String TASK_RUNNER_HOME = "STRATOFLOW_TASK_RUNNER_HOME";

    // --- The CLI and the local runtime: set by the user ----------------------------------------------------

    /**
     * The datastore (a directory or {@code s3://…}) when {@code --datastore-root} does not name one. Its
     * literal lives in the datastore module, which this module depends on.
     */
    public static final String DATASTORE = Datastore.ENVIRONMENT_VARIABLE;
    /** The cap, in megabytes, on the heap of the local worker JVMs. */
    public static final String WORKER_MAX_HEAP_MB = "STRATOFLOW_WORKER_MAX_HEAP_MB";
    /** Extra options for the local worker JVMs (a profiler, system properties), split on spaces. */
    public static final String WORKER_JAVA_OPTIONS = "STRATOFLOW_WORKER_JAVA_OPTIONS";
    /** The namespace where the CLI finds the operator and the chart's ConfigMap, if not the default one. */
    public static final String OPERATOR_NAMESPACE = "STRATOFLOW_OPERATOR_NAMESPACE";
    /** The S3 endpoint this machine reaches the cluster's datastore at, when it differs from the one the chart records. */
    public static final String DATASTORE_ENDPOINT = "STRATOFLOW_DATASTORE_ENDPOINT";

    // --- Building: the images module and the dev scripts ---------------------------------------------------

    /** Where downloads and built tools are kept between builds (default {@code $HOME/.cache/stratoflow}). */
    public static final String CACHE = "STRATOFLOW_CACHE";

    private EnvironmentNames() {
    }
}
