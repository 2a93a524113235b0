package io.stratoflow.api;

import java.util.Set;

/**
 * Base class of every flow. Steps are methods annotated with {@link Step}; artifacts are the
 * non-static, non-transient fields: what a step assigns is stored when it ends and later steps
 * see it.
 */
public abstract class FlowSpec {

    private transient TaskContext context;

    final void bind(TaskContext context) {
        this.context = context;
    }

    /** The element of the foreach list this task was fanned out for. */
    @SuppressWarnings("unchecked")
    protected final <T> T input() {
        return (T) context().foreachInput();
    }

    /** The position of {@link #input()} in the foreach list. */
    protected final int index() {
        return context().foreachIndex();
    }

    /** Where this task runs: flow, run, step, task id, attempt. */
    protected final TaskContext current() {
        return context();
    }

    /**
     * Copies into this join the artifacts of its inputs. An artifact that only some branches
     * changed (from what they started with at the split) takes the value they gave it; one that
     * no branch changed keeps the value they all share. An artifact that branches changed to
     * different values is an error unless it is listed in {@code exclude}, or this join set it
     * before calling merge: what the join already set is never overwritten.
     */
    protected final void merge(Inputs<? extends FlowSpec> inputs, String... exclude) {
        context().mergeArtifacts(this, inputs, Set.of(exclude));
    }

    private TaskContext context() {
        if (context == null) {
            throw new IllegalStateException("This flow object is not running as a task; "
                    + "input(), index(), current() and merge() are only available inside a step");
        }
        return context;
    }
}
