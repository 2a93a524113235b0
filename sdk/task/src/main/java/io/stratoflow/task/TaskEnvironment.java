package io.stratoflow.task;

import io.stratoflow.engine.TaskKey;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The environment a task's container gets from its {@link TaskSpec}. A step run by the SDK's task
 * runner reads only {@link EnvironmentNames#TASK}; a plain container (a shell step, another
 * language) gets the same facts as simple variables its script can read.
 */
public final class TaskEnvironment {

    private TaskEnvironment() {
    }

    /** For a step run by the task runner. */
    public static Map<String, String> forTaskRunner(TaskSpec spec) {
        return Map.of(EnvironmentNames.TASK, TaskSpecCodec.encode(spec));
    }

    /** For a plain container running {@code task} (whose foreach indices the spec's task id alone cannot tell). */
    public static Map<String, String> forPlainContainer(TaskSpec spec, TaskKey task) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put(EnvironmentNames.FLOW, spec.flow());
        env.put(EnvironmentNames.RUN, spec.runId());
        env.put(EnvironmentNames.STEP, spec.step());
        env.put(EnvironmentNames.TASK_ID, spec.taskId());
        env.put(EnvironmentNames.ATTEMPT, Integer.toString(spec.attempt()));
        if (task.path().depth() > 0) {
            env.put(EnvironmentNames.FOREACH_INDEX, Integer.toString(task.path().last()));
        }
        env.put(EnvironmentNames.INPUTS, TaskSpecCodec.encodeInputs(spec));
        return env;
    }
}
