package io.stratoflow.engine;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The tasks of one step under one foreach split (or the single task of a step outside any
 * foreach): how many there are, which are ready to start and which succeeded, as index ranges.
 */
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY, getterVisibility = JsonAutoDetect.Visibility.NONE,
        isGetterVisibility = JsonAutoDetect.Visibility.NONE)
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public final class StepFrame {

    private int total;
    private IndexRanges ready = new IndexRanges();
    private IndexRanges succeeded = new IndexRanges();

    StepFrame() {
    }

    StepFrame(int total) {
        this.total = total;
    }

    public int total() {
        return total;
    }

    public IndexRanges ready() {
        return ready;
    }

    public IndexRanges succeeded() {
        return succeeded;
    }

    boolean complete() {
        return succeeded.size() == total;
    }

    StepFrame copy() {
        StepFrame copy = new StepFrame(total);
        copy.ready = ready.copy();
        copy.succeeded = succeeded.copy();
        return copy;
    }
}
