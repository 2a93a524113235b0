package io.stratoflow.cluster;

import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.stratoflow.model.Run;

/** Asks the operator to stop a Run (its spec.stop), which then deletes the Run's Pods. */
public final class RunStopRequest {

    private RunStopRequest() {
    }

    public static void send(ClusterConnection cluster, String run) {
        // a merge patch carries no resourceVersion: the operator writing the Run's status meanwhile is no conflict
        cluster.client().resources(Run.class).inNamespace(cluster.namespace()).withName(run)
                .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"stop\":true}}");
    }
}
