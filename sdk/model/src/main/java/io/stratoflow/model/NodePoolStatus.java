package io.stratoflow.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** What the autoscaler behind a ComputePool may still add, as its node pool reports it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class NodePoolStatus {

    @JsonPropertyDescription("The node pool's name.")
    public String name;

    @JsonPropertyDescription("The largest instance the autoscaler can add (from spec.nodePool.largestInstance).")
    public PoolResources largestInstance;

    @JsonPropertyDescription("The most the node pool may provision in total (a Karpenter NodePool's spec.limits); unset: no limit.")
    public PoolResources limits;

    @JsonPropertyDescription("What the node pool has provisioned now (a Karpenter NodePool's status.resources).")
    public PoolResources provisioned;

    @JsonPropertyDescription("Nodes the node pool has provisioned now.")
    public Integer nodes;
}
