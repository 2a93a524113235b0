package io.stratoflow.engine;

/** One task of a run: a step and the foreach indices it runs for. */
public record TaskKey(String step, IndexPath path) implements Comparable<TaskKey> {

    public static TaskKey root(String step) {
        return new TaskKey(step, IndexPath.ROOT);
    }

    /** The task id shown to users and used in names: the indices, or {@code 0} outside a foreach. */
    public String taskId() {
        return path.depth() == 0 ? "0" : path.toString();
    }

    @Override
    public int compareTo(TaskKey other) {
        int byStep = step.compareTo(other.step);
        return byStep != 0 ? byStep : path.compareTo(other.path);
    }

    @Override
    public String toString() {
        return step + "/" + taskId();
    }
}
