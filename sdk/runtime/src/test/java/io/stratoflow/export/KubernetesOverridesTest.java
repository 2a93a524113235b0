package io.stratoflow.export;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

class KubernetesOverridesTest {

    @Test
    void resourcesBecomeKubernetesQuantities() {
        KubernetesDecorator decorator = KubernetesOverrides.parse("kubernetes:cpu=4,memory=16000,gpu=1,disk=10240");
        assertThat(decorator.resources().cpu).isEqualTo("4");
        assertThat(decorator.resources().memory).isEqualTo("16000M");
        assertThat(decorator.resources().gpu).isEqualTo(1);
        assertThat(decorator.resources().disk).isEqualTo("10240M");
        assertThat(decorator.image()).isNull();
    }

    @Test
    void placementAndImageWithoutResources() {
        KubernetesDecorator decorator = KubernetesOverrides.parse(
                "kubernetes:image=example/runner:2,node_selector=outerbounds.co/provider=azure,topology.kubernetes.io/region=eastus,compute_pool=azure");
        assertThat(decorator.resources()).as("no resource asked for").isNull();
        assertThat(decorator.image()).isEqualTo("example/runner:2");
        assertThat(decorator.computePool()).isEqualTo("azure");
        assertThat(decorator.nodeSelector()).containsExactly(entry("outerbounds.co/provider", "azure"),
                entry("topology.kubernetes.io/region", "eastus"));
    }

    @Test
    void aBareKubernetesAsksForNothing() {
        assertThat(KubernetesOverrides.parse("kubernetes")).isEqualTo(KubernetesDecorator.NONE);
    }

    @Test
    void mistakesAreNamed() {
        assertThatThrownBy(() -> KubernetesOverrides.parse("batch:cpu=1")).hasMessageContaining("only the kubernetes decorator");
        assertThatThrownBy(() -> KubernetesOverrides.parse("kubernetes:cpus=1")).hasMessageContaining("unknown attribute 'cpus'");
        assertThatThrownBy(() -> KubernetesOverrides.parse("kubernetes:memory=-5")).hasMessageContaining("memory must be a positive number");
        assertThatThrownBy(() -> KubernetesOverrides.parse("kubernetes:cpu=2,lots")).hasMessageContaining("'lots' is not of the form name=value");
        assertThatThrownBy(() -> KubernetesOverrides.parse("kubernetes:node_selector=azure")).hasMessageContaining("not of the form label=value");
        assertThatThrownBy(() -> KubernetesOverrides.parse("kubernetes:image=")).hasMessageContaining("image has no value");
    }
}
