package io.stratoflow.view;

/**
 * A run as the Runs view lists it. Times are epoch milliseconds; {@code finishedAt} is null while it runs.
 * {@code runDeleted}: the cluster no longer has the Run object, and the run is known from the records its datastore
 * keeps (always false for a laptop's runs, which have no Run object).
 */
public record RunSummary(RunKey key, String phase, int finished, int total, String user, Long startedAt, Long finishedAt,
                         String message, boolean runDeleted) {
}
