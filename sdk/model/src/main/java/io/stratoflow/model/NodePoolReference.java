package io.stratoflow.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

/** The autoscaler's node pool behind a ComputePool, and the largest instance it can add. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class NodePoolReference {

    @JsonPropertyDescription("The node pool's name. With Karpenter, a NodePool (karpenter.sh/v1) whose limits and provisioned "
            + "resources the pool's status shows; with another autoscaler, the name of its node group.")
    @Required
    public String name;

    @JsonPropertyDescription("What a Pod can use on the largest instance the autoscaler can add to this pool (its allocatable "
            + "resources). A step asking for more is refused before any Pod; one that fits waits for the autoscaler.")
    public PoolResources largestInstance;

    public NodePoolReference() {
    }

    public NodePoolReference(String name, PoolResources largestInstance) {
        this.name = name;
        this.largestInstance = largestInstance;
    }
}
