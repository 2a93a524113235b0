package io.stratoflow.task.runner;

import io.stratoflow.task.TaskSpec;
import io.stratoflow.api.FlowSpec;
import io.stratoflow.api.Inputs;
import io.stratoflow.api.TaskContext;
import io.stratoflow.api.TaskFailure;
import io.stratoflow.datastore.ArtifactRef;
import io.stratoflow.datastore.Datastore;
import io.stratoflow.datastore.RunRecord;
import io.stratoflow.datastore.RunRecordWriter;
import io.stratoflow.datastore.TaskRecord;
import io.stratoflow.definition.FlowDefinition;
import io.stratoflow.definition.FlowIntrospector;
import io.stratoflow.definition.StepDefinition;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs one step of a flow as a task: loads the artifacts it starts from, calls the step method,
 * stores what the step left in the flow's fields, and records the outcome. Runs inside a worker
 * process, never in the orchestrator, so user code cannot take the runtime down.
 */
public final class TaskExecutor {

    private final Map<io.stratoflow.datastore.DatastoreLocation, Datastore> datastores = new HashMap<>();
    private final Map<String, RunRecord> runs = new HashMap<>();
    private final ClassLoader classLoader;

    /** Where the last task's time went: loading its inputs, running the step, storing its outputs. */
    private final Map<String, Long> lastTimings = new LinkedHashMap<>();

    public TaskExecutor(ClassLoader classLoader) {
        this.classLoader = classLoader;
    }

    /** An executor that uses an already open datastore for the tasks at its location. */
    public TaskExecutor(ClassLoader classLoader, Datastore datastore) {
        this(classLoader);
        datastores.put(datastore.location(), datastore);
    }

    /** Milliseconds the last task spent loading inputs ({@code inputs}), in the step ({@code step}) and storing outputs ({@code outputs}). */
    public Map<String, Long> lastTimings() {
        return Map.copyOf(lastTimings);
    }

    public TaskResult execute(TaskSpec request) {
        long startedAt = System.currentTimeMillis();
        lastTimings.clear();
        Datastore datastore = datastores.computeIfAbsent(request.datastore(), Datastore::open);
        try {
            FlowDefinition flow = FlowIntrospector.inspect(flowClass(request.flowClass()));
            StepDefinition step = flow.step(request.step());
            RunRecord run = run(datastore, request, flow);
            ArtifactLoader loader = new ArtifactLoader(flow, datastore, run);
            FlowSpec instance = FlowIntrospector.instantiate(flow.type());
            loader.applyParameters(instance);
            ForeachPosition position = ForeachPosition.NONE;
            Inputs<FlowSpec> inputs = null;
            List<TaskRecord> joined = List.of();
            if (step.node().takesInputs()) {
                joined = loader.parentRecords(request);
                inputs = loader.inputs(joined);
            } else if (!request.parents().isEmpty()) {
                TaskRecord parent = loader.parentRecords(request).get(0);
                loader.applyArtifacts(instance, parent);
                position = loader.foreachPosition(request, parent, instance);
            }
            TaskContext.bind(instance, new FlowTaskContext(request, flow, position, loader, joined));
            long stepStarted = System.currentTimeMillis();
            lastTimings.put("inputs", stepStarted - startedAt);
            invoke(step, instance, inputs);
            long stepEnded = System.currentTimeMillis();
            lastTimings.put("step", stepEnded - stepStarted);
            Map<String, ArtifactRef> artifacts = store(flow, datastore, instance);
            Integer splits = step.node().isForeach() ? splits(flow, step, instance) : null;
            datastore.runs().writeTask(request.flow(), request.runId(), new TaskRecord(request.step(), request.taskId(),
                    request.attempt(), TaskRecord.SUCCEEDED, artifacts, splits, null, startedAt, System.currentTimeMillis(),
                    position.inputRef()));
            lastTimings.put("outputs", System.currentTimeMillis() - stepEnded);
            return TaskResult.success(splits);
        } catch (StepFailure e) {
            return fail(datastore, request, startedAt, e.getCause(), e.getCause() instanceof OutOfMemoryError);
        } catch (OutOfMemoryError e) {
            return fail(datastore, request, startedAt, e, true);
        } catch (RuntimeException | LinkageError | ClassNotFoundException e) {
            return fail(datastore, request, startedAt, e, false);
        }
    }

    /** The run's record; the first task of a run whose executor recorded none writes it, with the spec's parameters. */
    private RunRecord run(Datastore datastore, TaskSpec request, FlowDefinition flow) {
        return runs.computeIfAbsent(request.datastore() + "/" + request.flow() + "/" + request.runId(),
                key -> new RunRecordWriter(datastore.runs()).recordedOrStarted(
                        new RunRecordWriter.RunStart(request.flow(), request.runId(), flow.type().getName(), System.currentTimeMillis(),
                                null, null, null),
                        () -> SpecParameters.store(datastore, flow, request)));
    }

    @SuppressWarnings("unchecked")
    private Class<? extends FlowSpec> flowClass(String name) throws ClassNotFoundException {
        return (Class<? extends FlowSpec>) Class.forName(name, true, classLoader);
    }

    private static void invoke(StepDefinition step, FlowSpec instance, Inputs<FlowSpec> inputs) {
        try {
            if (inputs != null) {
                step.method().invoke(instance, inputs);
            } else {
                step.method().invoke(instance);
            }
        } catch (InvocationTargetException e) {
            throw new StepFailure(e.getCause());
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("Step method " + step.name() + " is not accessible: " + e.getMessage(), e);
        }
    }

    private static Map<String, ArtifactRef> store(FlowDefinition flow, Datastore datastore, FlowSpec instance) {
        Map<String, ArtifactRef> artifacts = new LinkedHashMap<>();
        for (Field field : flow.artifacts().values()) {
            try {
                artifacts.put(field.getName(), datastore.artifacts().write(field.getName(), field.getGenericType(), field.get(instance)));
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }
        return artifacts;
    }

    private static Integer splits(FlowDefinition flow, StepDefinition step, FlowSpec instance) {
        Field field = flow.artifacts().get(step.node().foreach());
        try {
            List<?> list = (List<?>) field.get(instance);
            if (list == null) {
                throw new IllegalStateException("Step '" + step.name() + "' fans out over '" + field.getName()
                        + "', but the step left it null; assign the list to fan out over");
            }
            return list.size();
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    private static TaskResult fail(Datastore datastore, TaskSpec request, long startedAt, Throwable error, boolean retireWorker) {
        TaskFailure failure = failureOf(request.step(), error);
        try {
            datastore.runs().writeTask(request.flow(), request.runId(), new TaskRecord(request.step(), request.taskId(),
                    request.attempt(), TaskRecord.FAILED, Map.of(), null, failure, startedAt, System.currentTimeMillis(), null));
        } catch (RuntimeException recordFailure) {
            error.addSuppressed(recordFailure);
        }
        return TaskResult.failed(failure, retireWorker);
    }

    public static TaskFailure failureOf(String step, Throwable error) {
        StringWriter stack = new StringWriter();
        error.printStackTrace(new PrintWriter(stack));
        return new TaskFailure(step, error.getClass().getName(), error.getMessage(), stack.toString());
    }

    /** What user code threw from the step method. */
    private static final class StepFailure extends RuntimeException {
        StepFailure(Throwable cause) {
            super(cause);
        }
    }

    /** Where a task sits in a foreach: the element and its index, when it is the first step of a branch. */
    record ForeachPosition(int index, Object input, ArtifactRef inputRef) {
        static final ForeachPosition NONE = new ForeachPosition(-1, null, null);
    }

}
