package io.stratoflow.cli;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Which tasks' output a run prints: under {@link TaskOutputMode#LIMITED}, the first {@link #PER_STEP} tasks of each
 * step to show output, and every task known to have failed; a wide foreach's other tasks are counted, not printed.
 * Each task is decided once, so the tasks shown stay the same from one pass to the next.
 */
final class ShownTasks {

    static final int PER_STEP = 20;

    private final TaskOutputMode mode;
    private final int perStep;
    private final Map<String, Set<String>> shown = new HashMap<>();
    private final Map<String, Set<String>> hidden = new LinkedHashMap<>();
    /** Shown because they failed: they do not take the places of a step's first tasks. */
    private final Set<String> failed = new HashSet<>();

    ShownTasks(TaskOutputMode mode, int perStep) {
        this.mode = mode;
        this.perStep = perStep;
    }

    int perStep() {
        return perStep;
    }

    /** Whether any task's output can be shown at all. */
    boolean showsAny() {
        return mode != TaskOutputMode.NONE;
    }

    /** Whether {@link #decide} would show the task, without deciding. */
    boolean wouldShow(String step, String taskId) {
        if (mode == TaskOutputMode.NONE || hiddenOf(step).contains(taskId)) {
            return false;
        }
        Set<String> ids = shownOf(step);
        return failed.contains(step + "/" + taskId) || ids.contains(taskId) || mode == TaskOutputMode.ALL || ids.size() < perStep;
    }

    /** Shows the task's output or not, for good (unless it later fails). */
    boolean decide(String step, String taskId) {
        if (failed.contains(step + "/" + taskId)) {
            return true;
        }
        boolean show = wouldShow(step, taskId);
        (show ? shownOf(step) : hiddenOf(step)).add(taskId);
        return show;
    }

    /** A failed task's output is shown even beyond the limit, from its first line. */
    void failed(String step, String taskId) {
        if (mode != TaskOutputMode.NONE) {
            hiddenOf(step).remove(taskId);
            failed.add(step + "/" + taskId);
        }
    }

    boolean isShown(String step, String taskId) {
        return failed.contains(step + "/" + taskId) || shownOf(step).contains(taskId);
    }

    /** Per step, how many tasks' output is not shown, in the order the steps first hid one. */
    Map<String, Integer> hiddenCounts() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        hidden.forEach((step, ids) -> {
            if (!ids.isEmpty()) {
                counts.put(step, ids.size());
            }
        });
        return counts;
    }

    private Set<String> shownOf(String step) {
        return shown.computeIfAbsent(step, s -> new LinkedHashSet<>());
    }

    private Set<String> hiddenOf(String step) {
        return hidden.computeIfAbsent(step, s -> new LinkedHashSet<>());
    }
}
