package io.stratoflow.task;

import io.stratoflow.datastore.DatastoreLocation;
import io.stratoflow.engine.IndexPath;
import io.stratoflow.engine.TaskInputs;
import io.stratoflow.engine.TaskKey;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A plain container reads the tasks it starts from in the spec's own encoding. */
class TaskEnvironmentTest {

    static final DatastoreLocation DATASTORE = DatastoreLocation.local(Path.of("/data"));

    static TaskSpec spec(TaskKey task, TaskInputs inputs) {
        return TaskSpec.of("Shell", null, "run-1", task, 0, inputs, Map.of(), DATASTORE, null);
    }

    static TaskSpec decodedInputs(Map<String, String> env) {
        return TaskSpecCodec.decode(env.get(EnvironmentNames.INPUTS));
    }

    @Test
    void aStepAfterOthersIsGivenItsParentsAsTheSpecGivesThem() {
        TaskKey task = new TaskKey("join", IndexPath.of(4));
        TaskInputs inputs = new TaskInputs.Parents(List.of(new TaskKey("a", IndexPath.of(4)), new TaskKey("b", IndexPath.of(4))));
        TaskSpec spec = spec(task, inputs);
        Map<String, String> env = TaskEnvironment.forPlainContainer(spec, task);

        assertThat(env.get(EnvironmentNames.INPUTS))
                .isEqualTo("{\"parents\":[{\"step\":\"a\",\"taskId\":\"4\"},{\"step\":\"b\",\"taskId\":\"4\"}]}");
        assertThat(decodedInputs(env).parents()).isEqualTo(spec.parents());
        assertThat(decodedInputs(env).branches()).isNull();
        assertThat(env).containsEntry(EnvironmentNames.FOREACH_INDEX, "4");
    }

    @Test
    void theJoinOfAForeachIsGivenItsBranchesAsTheSpecGivesThem() {
        TaskKey task = new TaskKey("join", IndexPath.of(2));
        TaskSpec spec = spec(task, new TaskInputs.ForeachBranches("work", IndexPath.of(2), 3));
        Map<String, String> env = TaskEnvironment.forPlainContainer(spec, task);

        assertThat(env.get(EnvironmentNames.INPUTS)).isEqualTo("{\"branches\":{\"step\":\"work\",\"prefix\":\"2\",\"count\":3}}");
        TaskSpec decoded = decodedInputs(env);
        assertThat(decoded.branches()).isEqualTo(spec.branches()).isEqualTo(new TaskSpec.Branches("work", "2", 3));
        assertThat(decoded.branches().branch(2)).isEqualTo(new TaskSpec.TaskRef("work", "2.2"));
        assertThat(decoded.parents()).isEmpty();
    }

    @Test
    void aRunsFirstTaskStartsFromNothing() {
        TaskKey task = TaskKey.root("start");
        Map<String, String> env = TaskEnvironment.forPlainContainer(spec(task, new TaskInputs.None()), task);

        assertThat(env.get(EnvironmentNames.INPUTS)).isEqualTo("{}");
        assertThat(decodedInputs(env).parents()).isEmpty();
        assertThat(decodedInputs(env).branches()).isNull();
        assertThat(env).containsEntry(EnvironmentNames.RUN, "run-1").doesNotContainKey(EnvironmentNames.FOREACH_INDEX)
                .doesNotContainKey(EnvironmentNames.TASK);
    }
}
