package io.stratoflow.e2e;

import io.stratoflow.e2e.support.ControlPlane;
import io.stratoflow.e2e.support.FlowCliProcess;
import io.stratoflow.examples.ScalableFlow;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code run --with kubernetes} against a real cluster where Stratoflow was never installed: no CRDs, no operator. */
class NoStratoflowInstalledTest {

    private static ControlPlane bare;

    @TempDir
    static Path work;

    @BeforeAll
    static void startAClusterWithoutStratoflow() {
        bare = new ControlPlane(ControlPlane.projectDir(), "bare-cluster", 300, Map.of("STRATOFLOW_NODES_FILE", "", "STRATOFLOW_EXEC_NODES", "0"));
        bare.start();
    }

    @AfterAll
    static void stopIt() {
        if (bare != null) {
            bare.stop();
        }
    }

    @Test
    void theCliSaysStratoflowIsNotInstalledAndHowToInstallIt() throws Exception {
        FlowCliProcess cli = FlowCliProcess.start(ScalableFlow.class, Map.of("KUBECONFIG", bare.kubeconfig().toString()), work,
                "run", "--with", "kubernetes");
        assertThat(cli.awaitExit(Duration.ofMinutes(1))).as(cli.output()).isEqualTo(2);
        assertThat(cli.output()).contains("Stratoflow is not installed in the cluster at https://127.0.0.1:26743")
                .contains("flows.stratoflow.io").contains("helm install stratoflow helm/stratoflow");
    }
}
