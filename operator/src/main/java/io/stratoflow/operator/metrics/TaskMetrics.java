package io.stratoflow.operator.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.stratoflow.engine.Action;
import io.stratoflow.engine.Observation;
import io.stratoflow.model.Run;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.List;

/**
 * Task attempts by namespace and flow: started by the engine (first attempts and retries alike), retried (the attempts
 * after a failure), succeeded and failed.
 */
@ApplicationScoped
public class TaskMetrics {

    static final String STARTED = "stratoflow.tasks.started";
    static final String RETRIED = "stratoflow.tasks.retried";
    static final String SUCCEEDED = "stratoflow.tasks.succeeded";
    static final String FAILED = "stratoflow.tasks.failed";

    private final MeterRegistry registry;

    @Inject
    public TaskMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /**
     * Counts what one pass of a Run observed and decided. Called once the pass has written the Run's status: a pass that
     * fails before is done again from the same state, and counting it then would count its tasks twice.
     */
    public void counted(Run run, List<Observation> observations, List<Action> actions) {
        int started = 0;
        int retried = 0;
        for (Action action : actions) {
            if (action instanceof Action.StartTask start) {
                started++;
                if (start.attempt() > 0) {
                    retried++;
                }
            }
        }
        int succeeded = 0;
        int failed = 0;
        for (Observation observation : observations) {
            if (observation instanceof Observation.TaskSucceeded) {
                succeeded++;
            } else if (observation instanceof Observation.TaskFailed) {
                failed++;
            }
        }
        Tags tags = Tags.of("namespace", run.getMetadata().getNamespace(), "flow", String.valueOf(run.getSpec().flowRef.name));
        add(STARTED, "Task attempts the engine started, retries included", tags, started);
        add(RETRIED, "Task attempts started after a failed attempt of the same task", tags, retried);
        add(SUCCEEDED, "Task attempts that succeeded", tags, succeeded);
        add(FAILED, "Task attempts that failed (retried or not)", tags, failed);
    }

    private void add(String name, String description, Tags tags, int amount) {
        if (amount > 0) {
            Counter.builder(name).description(description).tags(tags).register(registry).increment(amount);
        }
    }
}
