package io.stratoflow.engine;

import java.util.List;

/** The tasks whose artifacts a task starts from. */
public sealed interface TaskInputs {

    /** The start step: it reads only the run's parameters. */
    record None() implements TaskInputs {
    }

    /** One parent, or for the join of a static split, one parent per branch. */
    record Parents(List<TaskKey> tasks) implements TaskInputs {
    }

    /** The join of a foreach: the tasks of {@code step} at {@code prefix.child(i)} for i below {@code count}. */
    record ForeachBranches(String step, IndexPath prefix, int count) implements TaskInputs {
        public TaskKey branch(int i) {
            return new TaskKey(step, prefix.child(i));
        }
    }
}
