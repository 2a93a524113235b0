package io.stratoflow.cli;

import io.stratoflow.testflows.CliRun;
import io.stratoflow.testflows.ForeachFlow;
import io.stratoflow.testflows.LinearFlow;
import io.stratoflow.testflows.PlacedFlow;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What run --with kubernetes says before it reaches a cluster. */
class ClusterRunCliTest {

    @TempDir
    Path home;

    @Test
    void withoutAKubeContextItSaysHowToGetOne() {
        CliRun run = CliRun.withEnvironment(LinearFlow.class, home.resolve("ds"), Map.of("HOME", home.toString()),
                "run", "--with", "kubernetes");
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
        assertThat(run.err()).contains("No kube context").contains(home.resolve(".kube/config").toString()).contains("dev/cluster env");
    }

    @Test
    void aKubeconfigThatIsNotThereIsNamed() {
        Path missing = home.resolve("nowhere/kubeconfig");
        CliRun run = CliRun.withEnvironment(LinearFlow.class, home.resolve("ds"), Map.of("KUBECONFIG", missing.toString()),
                "run", "--with", "kubernetes:cpu=2");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("$KUBECONFIG names " + missing);
    }

    @Test
    void anUnreachableApiServerIsNamed() throws IOException {
        Path kubeconfig = home.resolve("kubeconfig");
        Files.writeString(kubeconfig, """
                apiVersion: v1
                kind: Config
                clusters: [{name: gone, cluster: {server: "https://127.0.0.1:9"}}]
                users: [{name: me, user: {token: abc}}]
                contexts: [{name: gone, context: {cluster: gone, user: me}}]
                current-context: gone
                """);
        CliRun run = CliRun.withEnvironment(LinearFlow.class, home.resolve("ds"), Map.of("KUBECONFIG", kubeconfig.toString()),
                "run", "--with", "kubernetes");
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
        assertThat(run.err()).contains("Cannot reach the Kubernetes API server at https://127.0.0.1:9");
    }

    @Test
    void aParameterOfTheWrongTypeIsRefusedBeforeTheClusterIsAsked() {
        CliRun run = CliRun.withEnvironment(ForeachFlow.class, home.resolve("ds"), Map.of("HOME", home.toString()),
                "run", "--with", "kubernetes", "--width", "many");
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
        assertThat(run.err()).contains("--width").contains("many").doesNotContain("No kube context");
    }

    @Test
    void aFlowWithKubernetesStepsAsksForItsClusterAndOffersLocal() {
        CliRun mixed = CliRun.withEnvironment(PlacedFlow.class, home.resolve("ds"), Map.of("HOME", home.toString()), "run");
        assertThat(mixed.exitCode()).as(mixed.toString()).isEqualTo(2);
        assertThat(mixed.err()).contains("No kube context").contains("Steps [train] carry @Kubernetes").contains("add --local");

        CliRun local = CliRun.withEnvironment(PlacedFlow.class, home.resolve("ds"), Map.of("HOME", home.toString()), "run", "--local");
        assertThat(local.exitCode()).as(local.toString()).isZero();
        assertThat(local.out()).contains("start,train,end");
        assertThat(local.err()).contains("--local runs steps [train] on this machine");
    }

    @Test
    void localAndKubernetesContradict() {
        CliRun run = CliRun.of(LinearFlow.class, home.resolve("ds"), "run", "--local", "--with", "kubernetes");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--local and --with kubernetes contradict");
    }
}
