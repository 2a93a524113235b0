package io.stratoflow.cluster;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ClusterSubmitterTest {

    @Test
    void userNamesBecomeValidLabelValues() {
        assertThat(ClusterSubmitter.labelValue("alice")).isEqualTo("alice");
        assertThat(ClusterSubmitter.labelValue("CORP\\bob smith")).isEqualTo("CORP-bob-smith");
        assertThat(ClusterSubmitter.labelValue("_root_")).isEqualTo("root");
        assertThat(ClusterSubmitter.labelValue("x".repeat(70) + "-y")).hasSize(63).matches("[a-z]+");
    }
}
