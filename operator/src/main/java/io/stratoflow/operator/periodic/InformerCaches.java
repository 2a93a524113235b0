package io.stratoflow.operator.periodic;

import io.javaoperatorsdk.operator.processing.event.source.AbstractEventSource;

/** Whether a cache the Java Operator SDK handed out can be read yet. */
public final class InformerCaches {

    private InformerCaches() {
    }

    /**
     * A controller's primary cache and an informer event source are handed out before the operator starts them; until
     * then listing one throws (a NullPointerException from inside the SDK), so a job that reads one waits for this.
     */
    public static boolean started(Object cache) {
        return cache != null && (!(cache instanceof AbstractEventSource source) || source.isRunning());
    }
}
