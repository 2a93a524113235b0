package io.stratoflow.engine;

import java.util.Locale;
import java.util.Optional;

public enum RunPhase {
    PENDING, RUNNING, SUCCEEDED, FAILED, STOPPED;

    public boolean isFinal() {
        return this == SUCCEEDED || this == FAILED || this == STOPPED;
    }

    /** The phase as a Run's {@code status.phase} spells it: {@code Succeeded}. */
    public String statusName() {
        return name().charAt(0) + name().substring(1).toLowerCase(Locale.ROOT);
    }

    /** The phase a Run's {@code status.phase} names; empty for none, or for a name this version does not know. */
    public static Optional<RunPhase> ofStatusName(String statusName) {
        for (RunPhase phase : values()) {
            if (phase.statusName().equals(statusName)) {
                return Optional.of(phase);
            }
        }
        return Optional.empty();
    }

    /** Whether a Run's {@code status.phase} names a final phase; false for none or an unknown name. */
    public static boolean isFinalStatus(String statusName) {
        return ofStatusName(statusName).map(RunPhase::isFinal).orElse(false);
    }
}
