package io.stratoflow.e2e.support;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.stratoflow.model.Flow;
import io.stratoflow.model.FlowReference;
import io.stratoflow.model.FlowResourceSpec;
import io.stratoflow.model.PlacementSpec;
import io.stratoflow.model.ResourceRequest;
import io.stratoflow.model.Run;
import io.stratoflow.model.RunSpec;
import io.stratoflow.model.StepSpec;
import io.stratoflow.model.TaskRunnerSpec;

import java.util.List;

/** Small flows built in code: start fans out over N splits to work, then join and end. */
public final class Flows {

    private Flows() {
    }

    public static Flow fanOut(String name, int splits, String cpu, String memory, String pool) {
        StepSpec start = step("start", List.of("work"));
        start.foreach = "items";
        Fixtures.reportsSplits(start, splits);
        Fixtures.runsFor(start, 200);
        StepSpec work = step("work", List.of("join"));
        work.resources = new ResourceRequest(cpu, memory, null, null);
        if (pool != null) {
            work.placement = new PlacementSpec();
            work.placement.computePool = pool;
        }
        StepSpec join = step("join", List.of("end"));
        join.join = true;
        Fixtures.runsFor(join, 200);
        StepSpec end = step("end", List.of());
        Fixtures.runsFor(end, 200);
        Flow flow = new Flow();
        flow.setMetadata(new ObjectMetaBuilder().withName(name).build());
        flow.setSpec(new FlowResourceSpec());
        // Its steps are SDK steps as far as the operator knows; KWOK only simulates them.
        flow.getSpec().runner = new TaskRunnerSpec();
        flow.getSpec().runner.flowClass = "io.stratoflow.e2e.Simulated";
        flow.getSpec().steps.addAll(List.of(start, work, join, end));
        return flow;
    }

    public static Run run(String name, String flow, int maxWorkers, int maxNumSplits) {
        Run run = new Run();
        run.setMetadata(new ObjectMetaBuilder().withName(name).build());
        run.setSpec(new RunSpec());
        run.getSpec().flowRef = new FlowReference(flow);
        run.getSpec().maxWorkers = maxWorkers;
        run.getSpec().maxNumSplits = maxNumSplits;
        return run;
    }

    private static StepSpec step(String name, List<String> next) {
        StepSpec step = new StepSpec();
        step.name = name;
        step.next.addAll(next);
        step.resources = new ResourceRequest("100m", "64M", null, null);
        return step;
    }
}
