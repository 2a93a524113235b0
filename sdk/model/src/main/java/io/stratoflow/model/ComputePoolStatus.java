package io.stratoflow.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;

import java.util.ArrayList;
import java.util.List;

/** Demand against capacity. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ComputePoolStatus {

    public Long observedGeneration;

    @JsonPropertyDescription("Ready nodes that match the pool's selector.")
    public Integer nodes;

    @JsonPropertyDescription("Allocatable resources of those nodes.")
    public PoolResources allocatable;

    @JsonPropertyDescription("Requested by the pool's running tasks.")
    public PoolResources requestedRunning;

    @JsonPropertyDescription("Requested by tasks waiting for quota or for a node.")
    public PoolResources requestedWaiting;

    public Integer runningTasks;

    public Integer queuedTasks;

    @JsonPropertyDescription("CPU requested / allocatable, e.g. 6/32.")
    public String cpu;

    @JsonPropertyDescription("Memory requested / allocatable, e.g. 24Gi/128Gi.")
    public String memory;

    @JsonPropertyDescription("The autoscaler's node pool behind this pool: the largest instance it can add, its limits and what it has provisioned.")
    public NodePoolStatus nodePool;

    @JsonPropertyDescription("Conditions: Ready (a Ready node matches the nodeSelector, or nodes can be added: scalable or a nodePool), NodePoolFound (with spec.nodePool: whether the operator can read it), Reconciled (False with the reason while the operator fails to reconcile the pool).")
    public List<Condition> conditions = new ArrayList<>();
}
