package io.stratoflow.e2e;

import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.ExecWatch;
import io.stratoflow.e2e.support.ClusterFlows;
import io.stratoflow.e2e.support.Flows;
import io.stratoflow.e2e.support.Runs;
import io.stratoflow.e2e.support.StratoflowCluster;
import io.stratoflow.model.ContainerSpec;
import io.stratoflow.model.Flow;
import io.stratoflow.model.FlowResourceSpec;
import io.stratoflow.model.PlacementSpec;
import io.stratoflow.model.ResourceRequest;
import io.stratoflow.model.Run;
import io.stratoflow.model.StepSpec;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What only a real node gives: the kernel's OOM kill reported by the kubelet, a task Pod's log and a command run in it
 * through the API server, a Pod reaching the API server through the `kubernetes` Service.
 */
@ExtendWith(StratoflowCluster.class)
class RealNodeTest {

    private static final String NAMESPACE = "real-node";
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(3);

    private final KubernetesClient client = StratoflowCluster.client();

    @BeforeAll
    static void namespace() {
        StratoflowCluster.createNamespace(NAMESPACE);
    }

    @Test
    void aStepTheKernelKillsForMemoryFailsItsRunAsOutOfMemoryFromTheKubeletsStatus() {
        // tail keeps a line without end in memory: it grows until the kernel kills it at the 64 MB limit
        apply(shellFlow("hungry-shell", "head -c 1073741824 /dev/zero | tail", "64M"));
        client.resource(Flows.run("hungry-shell-1", "hungry-shell", 1, 10)).inNamespace(NAMESPACE).create();

        Run failed = Runs.awaitPhase(client, NAMESPACE, "hungry-shell-1", "Failed", RUN_TIMEOUT);

        Pod pod = Runs.pods(client, NAMESPACE, "hungry-shell-1", "start").get(0);
        ContainerStateTerminated terminated = pod.getStatus().getContainerStatuses().get(0).getState().getTerminated();
        assertThat(terminated.getReason()).as("the kubelet's own report").isEqualTo("OOMKilled");
        assertThat(failed.getStatus().message).contains("OOMKilled").contains("out of memory").contains("@Resources(memory)");
    }

    @Test
    void aTaskPodsLogAndACommandInItComeThroughTheApiServerFromItsNode() throws Exception {
        apply(shellFlow("talkative", "echo hello from $STRATOFLOW_RUN; sleep 600", "32M"));
        client.resource(Flows.run("talkative-1", "talkative", 1, 10)).inNamespace(NAMESPACE).create();
        Pod pod = awaitRunningPod("talkative-1");
        String name = pod.getMetadata().getName();

        Awaitility.await("the Pod's log").atMost(Duration.ofSeconds(30))
                .until(() -> client.pods().inNamespace(NAMESPACE).withName(name).getLog().contains("hello from talkative-1"));

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ExecWatch exec = client.pods().inNamespace(NAMESPACE).withName(name).writingOutput(out)
                .exec("sh", "-c", "echo $HOSTNAME; wget -q -O - --no-check-certificate https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT/version; true")) {
            assertThat(exec.exitCode().get(60, TimeUnit.SECONDS)).isZero();
        }
        String output = out.toString(StandardCharsets.UTF_8);
        assertThat(output).as("exec ran in the Pod").contains(name);
        assertThat(output).as("the Pod reached the API server through the kubernetes Service").contains("\"gitVersion\"");

        client.resources(Run.class).inNamespace(NAMESPACE).withName("talkative-1").delete();
    }

    private Pod awaitRunningPod(String run) {
        Awaitility.await("a running Pod of " + run).atMost(RUN_TIMEOUT)
                .until(() -> Runs.pods(client, NAMESPACE, run).stream().anyMatch(p -> "Running".equals(p.getStatus().getPhase())));
        return Runs.pods(client, NAMESPACE, run).stream().filter(p -> "Running".equals(p.getStatus().getPhase())).findFirst().orElseThrow();
    }

    private void apply(Flow flow) {
        client.resource(flow).inNamespace(NAMESPACE).serverSideApply();
    }

    /** A Flow whose start step is a busybox container running {@code script}, on the executing node, then an end. */
    private static Flow shellFlow(String name, String script, String memory) {
        StepSpec start = shellStep("start", script, memory);
        start.next.add("end");
        Flow flow = new Flow();
        flow.setMetadata(new ObjectMetaBuilder().withName(name).build());
        flow.setSpec(new FlowResourceSpec());
        flow.getSpec().steps.addAll(List.of(start, shellStep("end", "true", "32M")));
        return flow;
    }

    private static StepSpec shellStep(String name, String script, String memory) {
        StepSpec step = new StepSpec();
        step.name = name;
        step.container = new ContainerSpec();
        step.container.image = "busybox:1.36";
        step.container.command.addAll(List.of("sh", "-c"));
        step.container.args.add(script);
        step.resources = new ResourceRequest("100m", memory, null, null);
        step.placement = new PlacementSpec();
        step.placement.computePool = ClusterFlows.EXEC_POOL;
        return step;
    }
}
