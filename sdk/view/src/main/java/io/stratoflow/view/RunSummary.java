package io.stratoflow.view;

/** A run as the Runs view lists it. Times are epoch milliseconds; {@code finishedAt} is null while it runs. */
public record RunSummary(RunKey key, String phase, int finished, int total, String user, Long startedAt, Long finishedAt,
                         String message) {
}
