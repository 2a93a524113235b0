package io.stratoflow.runtime;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits for a condition by polling it, failing after a deadline. */
public final class Await {

    private Await() {
    }

    public static void until(BooleanSupplier condition, String what) {
        until(condition, Duration.ofSeconds(20), what);
    }

    public static void until(BooleanSupplier condition, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out after " + timeout.toSeconds() + " s waiting until " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("Interrupted waiting until " + what, e);
            }
        }
    }
}
