package io.stratoflow.engine;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

class RunPhaseTest {

    @Test
    void statusNamesAreTheRunApisSpelling() {
        assertThat(Arrays.stream(RunPhase.values()).map(RunPhase::statusName))
                .containsExactly("Pending", "Running", "Succeeded", "Failed", "Stopped");
    }

    @Test
    void statusNamesReadBackAndUnknownOnesAreNoPhase() {
        for (RunPhase phase : RunPhase.values()) {
            assertThat(RunPhase.ofStatusName(phase.statusName())).contains(phase);
        }
        assertThat(RunPhase.ofStatusName(null)).isEmpty();
        assertThat(RunPhase.ofStatusName("SUCCEEDED")).isEmpty();
        assertThat(RunPhase.ofStatusName("Deleted")).isEmpty();
    }

    @Test
    void onlySucceededFailedAndStoppedStatusesAreFinal() {
        assertThat(RunPhase.isFinalStatus("Succeeded")).isTrue();
        assertThat(RunPhase.isFinalStatus("Failed")).isTrue();
        assertThat(RunPhase.isFinalStatus("Stopped")).isTrue();
        assertThat(RunPhase.isFinalStatus("Pending")).isFalse();
        assertThat(RunPhase.isFinalStatus("Running")).isFalse();
        assertThat(RunPhase.isFinalStatus(null)).isFalse();
        assertThat(RunPhase.isFinalStatus("Unknown")).isFalse();
    }

    @Test
    void jsonStillUsesTheEnumNames() throws Exception {
        ObjectMapper json = new ObjectMapper();
        assertThat(json.writeValueAsString(RunPhase.SUCCEEDED)).isEqualTo("\"SUCCEEDED\"");
        assertThat(json.readValue("\"STOPPED\"", RunPhase.class)).isEqualTo(RunPhase.STOPPED);
    }
}
