package io.stratoflow.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.api.model.Toleration;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A named group of nodes that steps are placed on, with the largest task it holds and a quota. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class ComputePoolSpec {

    @JsonPropertyDescription("Labels that select the pool's nodes; added to the node selector of its Pods.")
    public Map<String, String> nodeSelector = new LinkedHashMap<>();

    @JsonPropertyDescription("Tolerations added to the pool's Pods (for tainted nodes such as GPU nodes).")
    public List<Toleration> tolerations = new ArrayList<>();

    @JsonPropertyDescription("The largest task one node of the pool can hold (or that an autoscaler could provision). "
            + "A step asking for more in every pool makes its Run fail before any Pod is created.")
    @Required
    public PoolResources maxTaskResources;

    @JsonPropertyDescription("Most the pool's running tasks may request together; tasks beyond it wait, admitted in order.")
    public PoolResources quota;

    @JsonPropertyDescription("Namespaces whose Runs may use the pool; empty means all.")
    public List<String> namespaces = new ArrayList<>();

    @JsonPropertyDescription("Steps that name no pool run in the default pool.")
    public boolean defaultPool;

    @JsonPropertyDescription("Whether nodes can still be added (an autoscaler watches this pool): unschedulable Pods then wait "
            + "instead of failing after the grace period.")
    public boolean scalable;

    @JsonPropertyDescription("The autoscaler's node pool that adds nodes to this pool (e.g. a Karpenter NodePool). Tasks that fit its "
            + "largest instance wait for nodes instead of being reported unschedulable; larger ones are refused before any Pod.")
    public NodePoolReference nodePool;
}
