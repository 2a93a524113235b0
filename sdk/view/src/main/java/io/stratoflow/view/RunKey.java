package io.stratoflow.view;

/** Which run: its namespace on the cluster ({@code local} for a laptop's datastore), its flow and its id. */
public record RunKey(String namespace, String flow, String run) {
}
