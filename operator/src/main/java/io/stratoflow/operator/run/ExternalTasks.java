package io.stratoflow.operator.run;

import io.stratoflow.engine.ActiveTask;
import io.stratoflow.model.ExternalTask;
import io.stratoflow.model.FlowResourceSpec;
import io.stratoflow.model.StepSpec;
import io.stratoflow.operator.datastore.RunDatastores;
import io.stratoflow.operator.flow.ClusterTaskSpecs;
import io.stratoflow.task.TaskSpecCodec;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.ArrayList;
import java.util.List;

/**
 * The tasks of a mixed run's external steps, which the submitting CLI runs on its own machine: the operator lists the
 * running ones in the Run's status, each with the description a Pod would get in STRATOFLOW_TASK; their outcome comes
 * back through {@link ExternalTaskOutcomes}.
 */
@ApplicationScoped
public class ExternalTasks {

    @Inject
    RunDatastores datastores;

    static boolean isExternal(StepSpec step) {
        return Boolean.TRUE.equals(step.external);
    }

    static boolean hasAny(FlowResourceSpec flow) {
        return flow.steps.stream().anyMatch(ExternalTasks::isExternal);
    }

    /** The running external tasks, for the submitting CLI; none once the Run has ended. */
    List<ExternalTask> running(RunPass pass) {
        List<ExternalTask> tasks = new ArrayList<>();
        if (pass.state().phase().isFinal() || !hasAny(pass.flow())) {
            return tasks;
        }
        for (ActiveTask active : pass.state().running()) {
            StepSpec step = pass.step(active.task().step());
            if (isExternal(step)) {
                var spec = ClusterTaskSpecs.of(pass.run(), pass.flow(), step, pass.started(active), pass.parameters(),
                        pass.datastore(datastores).orElse(null));
                tasks.add(new ExternalTask(active.task().step(), active.task().taskId(), active.attempt(), TaskSpecCodec.encode(spec)));
            }
        }
        return tasks;
    }
}
