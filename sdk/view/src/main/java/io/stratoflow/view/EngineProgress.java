package io.stratoflow.view;

import io.stratoflow.engine.ActiveTask;
import io.stratoflow.engine.IndexPath;
import io.stratoflow.engine.RunState;
import io.stratoflow.engine.StepFrame;
import io.stratoflow.engine.StepState;
import io.stratoflow.engine.TaskKey;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Progress read from the engine's state, which both executors keep (the local runtime in the
 * datastore, the operator in the Run's status): per step, and a page of a step's tasks. The
 * state holds finished tasks as index ranges, so a page costs what it shows, whatever the width.
 */
public final class EngineProgress {

    private EngineProgress() {
    }

    /** The steps in the order of {@code shapes}, then any step only the state knows. */
    public static List<StepView> steps(List<StepShape> shapes, RunState state) {
        Set<String> names = new LinkedHashSet<>();
        Map<String, StepShape> byName = new HashMap<>();
        for (StepShape shape : shapes) {
            names.add(shape.name());
            byName.put(shape.name(), shape);
        }
        if (state != null) {
            names.addAll(state.steps().keySet());
        }
        List<StepView> steps = new ArrayList<>();
        for (String name : names) {
            StepShape shape = byName.getOrDefault(name, StepShape.named(name));
            StepState step = state == null ? null : state.steps().get(name);
            int done = step == null ? 0 : step.succeededCount();
            int total = step == null ? 0 : step.knownTotal();
            steps.add(new StepView(shape, done, count(state == null ? List.of() : state.running(), name),
                    count(state == null ? List.of() : state.retrying(), name), total));
        }
        return steps;
    }

    private static int count(List<ActiveTask> tasks, String step) {
        int count = 0;
        for (ActiveTask task : tasks) {
            if (task.task().step().equals(step)) {
                count++;
            }
        }
        return count;
    }

    /** Tasks {@code offset … offset + limit} of a step, walking its foreach frames in index order. */
    public static TaskPage tasks(RunState state, StepShape shape, int offset, int limit) {
        String step = shape.name();
        StepState steps = state == null ? null : state.steps().get(step);
        if (steps == null) {
            return new TaskPage(step, 0, offset, List.of());
        }
        Map<TaskKey, ActiveTask> running = active(state.running(), step);
        Map<TaskKey, ActiveTask> retrying = active(state.retrying(), step);
        boolean ended = state.phase().isFinal();
        List<TaskView> page = new ArrayList<>();
        int skipped = 0;
        for (Map.Entry<IndexPath, StepFrame> entry : steps.frames().entrySet()) {
            StepFrame frame = entry.getValue();
            if (page.size() == limit) {
                break;
            }
            if (skipped + frame.total() <= offset) {
                skipped += frame.total();
                continue;
            }
            for (int index = Math.max(0, offset - skipped); index < frame.total() && page.size() < limit; index++) {
                IndexPath path = outsideForeach(shape, entry.getKey(), frame) ? IndexPath.ROOT : entry.getKey().child(index);
                TaskKey key = new TaskKey(step, path);
                page.add(view(key, frame.succeeded().contains(index), running.get(key), retrying.get(key), ended));
            }
            skipped += frame.total();
        }
        return new TaskPage(step, steps.knownTotal(), offset, page);
    }

    /**
     * A step outside any foreach has one frame, at the root, holding its single task (at the root
     * too). Without the flow's definition, a one-task frame at the root is taken for one.
     */
    private static boolean outsideForeach(StepShape shape, IndexPath frame, StepFrame content) {
        return shape.foreachDepth() == 0 || shape.foreachDepth() < 0 && frame.depth() == 0 && content.total() == 1;
    }

    private static TaskView view(TaskKey key, boolean succeeded, ActiveTask running, ActiveTask retrying, boolean ended) {
        if (succeeded) {
            return new TaskView(key.taskId(), "succeeded", 0, null, null);
        }
        if (running != null) {
            return new TaskView(key.taskId(), "running", running.attempt(), running.sinceMillis(), null);
        }
        if (retrying != null) {
            return new TaskView(key.taskId(), "retrying", retrying.attempt(), null, null);
        }
        return new TaskView(key.taskId(), ended ? "not run" : "waiting", 0, null, null);
    }

    private static Map<TaskKey, ActiveTask> active(List<ActiveTask> tasks, String step) {
        Map<TaskKey, ActiveTask> byKey = new HashMap<>();
        for (ActiveTask task : tasks) {
            if (task.task().step().equals(step)) {
                byKey.put(task.task(), task);
            }
        }
        return byKey;
    }
}
