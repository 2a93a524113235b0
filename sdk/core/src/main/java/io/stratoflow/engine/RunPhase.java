package io.stratoflow.engine;

public enum RunPhase {
    PENDING, RUNNING, SUCCEEDED, FAILED, STOPPED;

    public boolean isFinal() {
        return this == SUCCEEDED || this == FAILED || this == STOPPED;
    }
}
