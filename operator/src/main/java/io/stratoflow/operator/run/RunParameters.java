package io.stratoflow.operator.run;

import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.stratoflow.model.Run;

import java.util.Map;

/** A Run's parameter values, as JSON text: what its tasks are given and what its record stores. */
final class RunParameters {

    private RunParameters() {
    }

    /** The Run's parameters; a resumed Run that sets none runs with its origin's, as a local resume does. */
    static Map<String, String> of(Run run, Context<Run> context) {
        if (!run.getSpec().parameters.isEmpty() || run.getSpec().resume == null) {
            return run.getSpec().parameters;
        }
        return context.getPrimaryCache().get(new ResourceID(run.getSpec().resume.originRun, run.getMetadata().getNamespace()))
                .map(origin -> origin.getSpec().parameters).orElse(run.getSpec().parameters);
    }
}
