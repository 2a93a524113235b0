package io.stratoflow.task;

import io.stratoflow.datastore.DatastoreLocation;
import io.stratoflow.engine.IndexPath;
import io.stratoflow.engine.TaskInputs;
import io.stratoflow.engine.TaskKey;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TaskSpecCodecTest {

    static final DatastoreLocation S3 = new DatastoreLocation("s3://bucket/prefix", "http://127.0.0.1:7070", "eu-west-1", true);

    @Test
    void aSpecSurvivesItsEncodingOnOneLine() {
        TaskSpec spec = TaskSpec.of("TrainFlow", "com.example.TrainFlow", "run-7", new TaskKey("train", IndexPath.of(2, 5)), 3,
                new TaskInputs.Parents(List.of(new TaskKey("split", IndexPath.of(2)))), Map.of("rounds", "10"), S3, "abc123");
        String encoded = TaskSpecCodec.encode(spec);
        assertThat(encoded).doesNotContain("\n").doesNotContain("null");
        assertThat(TaskSpecCodec.decode(encoded)).isEqualTo(spec);
        assertThat(spec.taskId()).isEqualTo("2.5");
        assertThat(spec.parents()).containsExactly(new TaskSpec.TaskRef("split", "2"));
    }

    @Test
    void aJoinOfTenThousandBranchesIsDescribedByRange() {
        TaskSpec spec = TaskSpec.of("F", "com.example.F", "r", TaskKey.root("join"), 0,
                new TaskInputs.ForeachBranches("work", IndexPath.ROOT, 10_000), Map.of(), S3, null);
        String encoded = TaskSpecCodec.encode(spec);
        assertThat(encoded).hasSizeLessThan(400);
        TaskSpec decoded = TaskSpecCodec.decode(encoded);
        assertThat(decoded.branches().branch(9_999)).isEqualTo(new TaskSpec.TaskRef("work", "9999"));
        assertThat(decoded.codePackage()).isNull();
    }

    @Test
    void somethingElseIsRefusedWithWhatItWas() {
        assertThatThrownBy(() -> TaskSpecCodec.decode("{\"flow\": [1,2]}")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Not a task description").hasMessageContaining("{\"flow\": [1,2]}");
    }

    @Test
    void reportsAreReadFromTheRunnerAndFromPlainContainersButNotFromLogTails() {
        assertThat(TaskSpecCodec.decodeReport(TaskSpecCodec.encode(TaskReport.succeeded(12))).splits()).isEqualTo(12);
        assertThat(TaskSpecCodec.decodeReport("{\"splits\": 3}").splits()).isEqualTo(3);
        TaskReport failed = TaskSpecCodec.decodeReport(TaskSpecCodec.encode(TaskReport.failed("java.lang.OutOfMemoryError", "Java heap space", true)));
        assertThat(failed.failed()).isTrue();
        assertThat(failed.ranOutOfMemory()).isTrue();
        assertThat(TaskSpecCodec.decodeReport("Exception in thread main\n\tat x.y")).isNull();
        assertThat(TaskSpecCodec.decodeReport(null)).isNull();
    }
}
