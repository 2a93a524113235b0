package io.stratoflow.task;

import io.stratoflow.engine.TaskKey;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The environment a task's container gets from its {@link TaskSpec}. A step run by the SDK's task
 * runner reads only {@link TaskSpecCodec#ENVIRONMENT_VARIABLE}; a plain container (a shell step,
 * another language) gets the same facts as simple variables its script can read.
 */
public final class TaskEnvironment {

    public static final String FLOW = "STRATOFLOW_FLOW";
    public static final String RUN = "STRATOFLOW_RUN";
    public static final String STEP = "STRATOFLOW_STEP";
    public static final String TASK_ID = "STRATOFLOW_TASK_ID";
    public static final String ATTEMPT = "STRATOFLOW_ATTEMPT";
    /** For a task inside a foreach: its index in the innermost foreach. */
    public static final String FOREACH_INDEX = "STRATOFLOW_FOREACH_INDEX";
    /** The tasks it starts from: {@code {"parents":"a/0,b/0"}} or {@code {"branches":{"step":…,"prefix":…,"count":N}}}. */
    public static final String INPUTS = "STRATOFLOW_INPUTS";

    private TaskEnvironment() {
    }

    /** For a step run by the task runner. */
    public static Map<String, String> forTaskRunner(TaskSpec spec) {
        return Map.of(TaskSpecCodec.ENVIRONMENT_VARIABLE, TaskSpecCodec.encode(spec));
    }

    /** For a plain container running {@code task} (whose foreach indices the spec's task id alone cannot tell). */
    public static Map<String, String> forPlainContainer(TaskSpec spec, TaskKey task) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put(FLOW, spec.flow());
        env.put(RUN, spec.runId());
        env.put(STEP, spec.step());
        env.put(TASK_ID, spec.taskId());
        env.put(ATTEMPT, Integer.toString(spec.attempt()));
        if (task.path().depth() > 0) {
            env.put(FOREACH_INDEX, Integer.toString(task.path().last()));
        }
        env.put(INPUTS, inputs(spec));
        return env;
    }

    private static String inputs(TaskSpec spec) {
        if (spec.branches() != null) {
            TaskSpec.Branches b = spec.branches();
            return "{\"branches\":{\"step\":\"" + b.step() + "\",\"prefix\":\"" + b.prefix() + "\",\"count\":" + b.count() + "}}";
        }
        if (!spec.parents().isEmpty()) {
            return spec.parents().stream().map(p -> p.step() + "/" + p.taskId()).collect(Collectors.joining(",", "{\"parents\":\"", "\"}"));
        }
        return "{}";
    }
}
