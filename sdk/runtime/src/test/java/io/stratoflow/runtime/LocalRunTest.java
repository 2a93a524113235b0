package io.stratoflow.runtime;

import io.stratoflow.client.Client;
import io.stratoflow.client.RunRef;
import io.stratoflow.client.StepRef;
import io.stratoflow.client.TaskRef;
import io.stratoflow.engine.RunPhase;
import io.stratoflow.testflows.BranchFlow;
import io.stratoflow.testflows.CliRun;
import io.stratoflow.testflows.ForeachFlow;
import io.stratoflow.testflows.LinearFlow;
import io.stratoflow.testflows.NestedForeachFlow;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Flows run end to end through their CLI, in worker processes, and read back with the client. */
@Execution(ExecutionMode.CONCURRENT)
class LocalRunTest {

    @TempDir
    Path datastore;

    private RunRef run(String flow, CliRun cli) {
        return Client.at(datastore).flow(flow).run(cli.runId());
    }

    @Test
    void linearFlowRunsEveryStepInOrderAndEveryStepSeesTheParameter() {
        CliRun cli = CliRun.of(LinearFlow.class, datastore, "run", "--alpha", "7", "--max-workers", "2");

        assertThat(cli.exitCode()).as(cli.toString()).isZero();
        assertThat(cli.out()).contains("succeeded").contains("start sees alpha=7");
        RunRef run = Client.at(datastore).flow("LinearFlow").latestSuccessfulRun().orElseThrow();
        assertThat(run.id()).isEqualTo(cli.runId());
        assertThat(run.phase()).isEqualTo(RunPhase.SUCCEEDED);
        assertThat(run.artifact("seenInStart")).isEqualTo(7);
        assertThat(run.artifact("seenInMiddle")).isEqualTo(7);
        assertThat(run.artifact("seenInEnd")).isEqualTo(7);
        assertThat(run.artifact("trail")).isEqualTo("start>middle>end");
        assertThat(run.artifact("point")).isEqualTo(new LinearFlow.Point(7, 14));
        assertThat(run.parameter("alpha")).isEqualTo(7);
        assertThat(run.steps()).extracting(StepRef::name).containsExactlyInAnyOrder("start", "middle", "end");
    }

    @Test
    void foreachJoinSeesEveryBranchInOrder() {
        CliRun cli = CliRun.of(ForeachFlow.class, datastore, "run", "--max-workers", "3");

        assertThat(cli.exitCode()).as(cli.toString()).isZero();
        RunRef run = Client.at(datastore).flow("ForeachFlow").latestSuccessfulRun().orElseThrow();
        assertThat(run.artifact("squares")).isEqualTo(List.of(0, 1, 4, 9, 16));
        assertThat(run.artifact("itemsSeenByJoin")).isEqualTo(List.of(0, 1, 2, 3, 4));
        assertThat(run.artifact("total")).isEqualTo(30);
        List<TaskRef> branches = run.step("square").tasks();
        assertThat(branches).extracting(TaskRef::id).containsExactly("0", "1", "2", "3", "4");
        assertThat(branches).allSatisfy(t -> assertThat(t.status()).isEqualTo("SUCCEEDED"));
        assertThat(branches.get(3).artifact("square")).isEqualTo(9);
        assertThat(branches.get(3).stdout()).isEqualTo("square of 3 is 9\n");
        assertThat(run.step("join").tasks()).hasSize(1);
    }

    @Test
    void staticBranchesJoinByNameAndMergeWhatTheyAgreeOn() {
        CliRun cli = CliRun.of(BranchFlow.class, datastore, "run", "--max-workers", "2");

        assertThat(cli.exitCode()).as(cli.toString()).isZero();
        RunRef run = run("BranchFlow", cli);
        assertThat(run.artifact("sum")).as("merge keeps what the join set").isEqualTo(11 + 12);
        assertThat(run.artifact("shared")).isEqualTo("set by start");
        assertThat(run.artifact("base")).isEqualTo(10);
        assertThat(run.artifact("fromA")).isEqualTo(11);
        assertThat(run.artifact("fromB")).isEqualTo(12);
    }

    @Test
    void mergingArtifactsTheBranchesChangedDifferentlyFailsNamingTheArtifactAndBothBranches() {
        CliRun cli = CliRun.of(BranchFlow.class, datastore, "run", "--conflict", "true", "--max-workers", "2");

        assertThat(cli.exitCode()).as(cli.toString()).isEqualTo(1);
        assertThat(cli.err()).contains("Step join cannot merge").contains("'shared'").contains("a/0").contains("b/0")
                .contains("merge(inputs, \"shared\")");
        assertThat(cli.err()).as("artifacts only one branch changed merge fine").doesNotContain("'fromA'").doesNotContain("'fromB'");
        assertThat(Client.at(datastore).flow("BranchFlow").run(cli.runId()).phase()).isEqualTo(RunPhase.FAILED);
    }

    @Test
    void aJoinThatSetsAnArtifactBeforeMergingKeepsItsValue() {
        CliRun cli = CliRun.of(BranchFlow.class, datastore, "run", "--conflict", "true", "--resolve", "true", "--max-workers", "2");

        assertThat(cli.exitCode()).as(cli.toString()).isZero();
        RunRef run = run("BranchFlow", cli);
        assertThat(run.artifact("shared")).isEqualTo("settled by join: changed by a / changed by b");
        assertThat(run.artifact("fromA")).isEqualTo(11);
        assertThat(run.artifact("sum")).isEqualTo(23);
    }

    @Test
    void nestedForeachKeepsEachBranchsElementsApart() {
        CliRun cli = CliRun.of(NestedForeachFlow.class, datastore, "run", "--max-workers", "4");

        assertThat(cli.exitCode()).as(cli.toString()).isZero();
        RunRef run = run("NestedForeachFlow", cli);
        assertThat(run.artifact("grid")).isEqualTo(List.of(
                List.of("eu:0@0.0", "eu:1@0.1"),
                List.of("us:0@1.0", "us:1@1.1", "us:2@1.2"),
                List.of("ap:0@2.0", "ap:1@2.1")));
        assertThat(run.step("work").tasks()).extracting(TaskRef::id)
                .containsExactly("0.0", "0.1", "1.0", "1.1", "1.2", "2.0", "2.1");
        assertThat(run.step("innerJoin").tasks()).extracting(TaskRef::id).containsExactly("0", "1", "2");
        assertThat(run.artifact("regionsSeenByOuterJoin")).as("merge in the inner joins").isEqualTo(List.of("eu", "us", "ap"));
        assertThat(run.step("innerJoin").task("1").artifact("shards")).isEqualTo(List.of(0, 1, 2));
    }

    @Test
    void foreachWiderThanMaxNumSplitsFailsSayingHowToRaiseTheLimit() {
        CliRun cli = CliRun.of(ForeachFlow.class, datastore, "run", "--max-num-splits", "3", "--max-workers", "2");

        assertThat(cli.exitCode()).as(cli.toString()).isEqualTo(1);
        assertThat(cli.err()).contains("'start'").contains("5 splits").contains("limit of 3").contains("--max-num-splits");
        RunRef run = run("ForeachFlow", cli);
        assertThat(run.phase()).isEqualTo(RunPhase.FAILED);
        assertThat(run.steps()).extracting(StepRef::name).doesNotContain("square");
    }
}
