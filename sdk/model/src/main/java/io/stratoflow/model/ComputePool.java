package io.stratoflow.model;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** A group of nodes steps are placed on (cluster-scoped). */
@Group(Flow.GROUP)
@Version(Flow.VERSION)
@ShortNames("sfpool")
@AdditionalPrinterColumn(name = "Nodes", jsonPath = ".status.nodes", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "CPU", jsonPath = ".status.cpu", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Memory", jsonPath = ".status.memory", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Queued", jsonPath = ".status.queuedTasks", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class ComputePool extends CustomResource<ComputePoolSpec, ComputePoolStatus> {
}
