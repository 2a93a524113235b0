package io.stratoflow.e2e;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.stratoflow.e2e.support.Fixtures;
import io.stratoflow.e2e.support.StratoflowCluster;
import io.stratoflow.model.ComputePool;
import io.stratoflow.model.Flow;
import io.stratoflow.model.Run;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The chart installs, the examples apply, the API server rejects what the schema forbids, the operator has the chart's permissions. */
@ExtendWith(StratoflowCluster.class)
class InstallationTest {

    private final KubernetesClient client = StratoflowCluster.client();

    @Test
    void theChartInstallsTheCrdsWithStatusAndPrinterColumns() {
        for (String name : List.of("flows.stratoflow.io", "runs.stratoflow.io", "computepools.stratoflow.io")) {
            CustomResourceDefinition crd = client.apiextensions().v1().customResourceDefinitions().withName(name).get();
            assertThat(crd).as(name).isNotNull();
            assertThat(crd.getStatus().getConditions()).anyMatch(c -> c.getType().equals("Established") && c.getStatus().equals("True"));
            assertThat(crd.getSpec().getVersions().get(0).getSubresources().getStatus()).isNotNull();
        }
        assertThat(client.apiextensions().v1().customResourceDefinitions().withName("runs.stratoflow.io").get().getSpec().getVersions()
                .get(0).getAdditionalPrinterColumns()).extracting(c -> c.getName()).contains("Flow", "Phase", "Progress", "Age");
        assertThat(client.resources(ComputePool.class).withName("default").get()).as("the chart's default pool").isNotNull();
    }

    @Test
    void theTestNamespacesEnforcePodSecurityRestricted() {
        String namespace = "pod-security";
        StratoflowCluster.createNamespace(namespace);
        assertThat(client.namespaces().withName(namespace).get().getMetadata().getLabels())
                .containsEntry(StratoflowCluster.POD_SECURITY_ENFORCE, "restricted");
        Pod privileged = new PodBuilder().withNewMetadata().withName("privileged").endMetadata()
                .withNewSpec().addNewContainer().withName("main").withImage("busybox").withCommand("true")
                .withNewSecurityContext().withPrivileged(true).endSecurityContext().endContainer().endSpec().build();
        assertThatThrownBy(() -> client.pods().inNamespace(namespace).resource(privileged).create())
                .isInstanceOf(KubernetesClientException.class)
                .hasMessageContaining("violates PodSecurity \"restricted:latest\"");
    }

    @Test
    void everyExampleApplies() throws IOException {
        String namespace = "examples-apply";
        StratoflowCluster.createNamespace(namespace);
        List<Path> files;
        try (Stream<Path> list = Files.list(StratoflowCluster.project().resolve("examples/yaml"))) {
            files = list.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
        }
        assertThat(files).hasSizeGreaterThanOrEqualTo(5);
        for (Path file : files) {
            for (HasMetadata resource : Fixtures.load(file)) {
                // A server-side dry run goes through the whole admission chain (schema, CEL rules) without starting anything;
                // the examples' default pool differs from the chart's, which owns it here, hence forced.
                HasMetadata accepted = resource instanceof ComputePool
                        ? client.resource(resource).dryRun().forceConflicts().serverSideApply()
                        : client.resource(resource).inNamespace(namespace).dryRun().serverSideApply();
                assertThat(accepted.getMetadata().getName()).as(file.getFileName() + " " + resource.getKind())
                        .isEqualTo(resource.getMetadata().getName());
            }
        }
    }

    @Test
    void theApiServerRejectsInvalidResourcesWithReadableMessages() {
        String namespace = "invalid-resources";
        StratoflowCluster.createNamespace(namespace);
        assertThatThrownBy(() -> client.resource(flowYaml("""
                steps:
                - {name: start, next: [nope]}
                - {name: start}
                """)).inNamespace(namespace).create())
                .isInstanceOf(KubernetesClientException.class)
                .hasMessageContaining("step names must be unique")
                .hasMessageContaining("every next step must name a step of the flow");
        assertThatThrownBy(() -> client.resource(flowYaml("""
                steps:
                - {name: start, next: [end], resources: {memory: "16 GB"}}
                - {name: end}
                """)).inNamespace(namespace).create())
                .isInstanceOf(KubernetesClientException.class)
                .hasMessageContaining("spec.steps[0].resources.memory");
        assertThatThrownBy(() -> client.resource(flowYaml("""
                steps:
                - {name: start, next: [end], resources: {cpu: "0"}}
                - {name: end}
                """)).inNamespace(namespace).create())
                .isInstanceOf(KubernetesClientException.class)
                .hasMessageContaining("cpu must be positive");
        Run run = new io.fabric8.kubernetes.client.utils.KubernetesSerialization().unmarshal("""
                apiVersion: stratoflow.io/v1alpha1
                kind: Run
                metadata: {name: zero-workers}
                spec: {flowRef: {name: x}, maxWorkers: 0}
                """, Run.class);
        assertThatThrownBy(() -> client.resource(run).inNamespace(namespace).create())
                .isInstanceOf(KubernetesClientException.class)
                .hasMessageContaining("spec.maxWorkers");
    }

    @Test
    void theOperatorsServiceAccountHasWhatTheChartGrantsAndNoMore() throws IOException {
        Path kubeconfig = StratoflowCluster.project().resolve("src/test/target/operator.kubeconfig");
        try (KubernetesClient operator = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(Files.readString(kubeconfig))).build()) {
            assertThat(allowed(operator, "", "pods", "create", "default")).isTrue();
            assertThat(allowed(operator, "", "pods", "delete", "default")).isTrue();
            assertThat(allowed(operator, "stratoflow.io", "runs/status", "patch", "default")).isTrue();
            assertThat(allowed(operator, "stratoflow.io", "runs/status", "update", "default")).as("replacing a Run's status").isTrue();
            assertThat(allowed(operator, "stratoflow.io", "flows/status", "update", "default")).as("replacing a Flow's status").isFalse();
            assertThat(allowed(operator, "", "events", "create", "default")).isTrue();
            assertThat(allowed(operator, "", "events", "update", "default")).as("counting up an Event").isTrue();
            assertThat(allowed(operator, "", "events", "delete", "default")).as("deleting events").isFalse();
            assertThat(allowed(operator, "", "nodes", "list", "")).isTrue();
            assertThat(allowed(operator, "", "secrets", "get", "default")).as("secrets").isFalse();
            assertThat(allowed(operator, "apps", "deployments", "create", "default")).as("deployments").isFalse();
            assertThat(allowed(operator, "stratoflow.io", "runs", "delete", "default")).as("deleting runs").isFalse();
            assertThat(allowed(operator, "", "nodes", "delete", "")).as("deleting nodes").isFalse();
        }
    }

    private static boolean allowed(KubernetesClient client, String group, String resource, String verb, String namespace) {
        String[] parts = resource.split("/");
        SelfSubjectAccessReview review = new SelfSubjectAccessReviewBuilder().withNewSpec().withNewResourceAttributes()
                .withGroup(group).withResource(parts[0]).withSubresource(parts.length > 1 ? parts[1] : null)
                .withVerb(verb).withNamespace(namespace.isEmpty() ? null : namespace)
                .endResourceAttributes().endSpec().build();
        return client.authorization().v1().selfSubjectAccessReview().create(review).getStatus().getAllowed();
    }

    private static Flow flowYaml(String spec) {
        String yaml = "apiVersion: stratoflow.io/v1alpha1\nkind: Flow\nmetadata: {name: invalid}\nspec:\n" + spec.indent(2);
        return new io.fabric8.kubernetes.client.utils.KubernetesSerialization().unmarshal(yaml, Flow.class);
    }
}
