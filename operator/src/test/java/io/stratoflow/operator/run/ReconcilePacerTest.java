package io.stratoflow.operator.run;

import io.javaoperatorsdk.operator.processing.event.ResourceID;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class ReconcilePacerTest {

    private final ReconcilePacer pacer = new ReconcilePacer();
    private final ResourceID run = new ResourceID("wide", "ns");
    private final Instant t0 = Instant.parse("2026-11-22T00:00:00Z");

    @Test
    void aRunNeverLookedAtAndASmallRunAreNotPaced() {
        assertThat(pacer.pauseBefore(run, t0)).isZero();
        pacer.looked(run, t0, 20, false);
        assertThat(pacer.pauseBefore(run, t0.plusMillis(1))).isZero();
    }

    @Test
    void aWideRunWaitsInProportionToItsPodsAtMostASecond() {
        pacer.looked(run, t0, 4_000, false);
        assertThat(pacer.pauseBefore(run, t0.plusMillis(50))).isEqualTo(Duration.ofMillis(150));
        assertThat(pacer.pauseBefore(run, t0.plusMillis(200))).isZero();

        pacer.looked(run, t0, 100_000, false);
        assertThat(pacer.pauseBefore(run, t0)).isEqualTo(ReconcilePacer.MAX_PAUSE);
    }

    @Test
    void aRunStillCreatingPodsOrForgottenIsNotPaced() {
        pacer.looked(run, t0, 10_000, true);
        assertThat(pacer.pauseBefore(run, t0)).isZero();
        pacer.looked(run, t0, 10_000, false);
        pacer.forget(run);
        assertThat(pacer.pauseBefore(run, t0)).isZero();
    }
}
