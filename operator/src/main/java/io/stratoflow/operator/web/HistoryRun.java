package io.stratoflow.operator.web;

import io.stratoflow.view.RecordedRun;
import io.stratoflow.view.RunSummary;

/** A run the cluster knows only from its datastore's records: its summary, and where its records are. */
record HistoryRun(RunSummary summary, RecordedRun recorded) {
}
