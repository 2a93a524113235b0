package io.stratoflow.model;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** A workflow graph: steps with next/foreach/join, their containers, resources and placement. */
@Group(Flow.GROUP)
@Version(Flow.VERSION)
@ShortNames("sfl")
@AdditionalPrinterColumn(name = "Steps", jsonPath = ".status.steps", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Valid", jsonPath = ".status.conditions[?(@.type==\"Valid\")].status", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class Flow extends CustomResource<FlowResourceSpec, FlowResourceStatus> implements Namespaced {

    public static final String GROUP = "stratoflow.io";
    public static final String VERSION = "v1alpha1";
}
