package io.stratoflow.engine;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;

import java.util.Map;
import java.util.TreeMap;

/**
 * Progress of one step: its frames keyed by the foreach indices that enclose them, and for a
 * foreach step, how many splits each of its tasks produced.
 */
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY, getterVisibility = JsonAutoDetect.Visibility.NONE,
        isGetterVisibility = JsonAutoDetect.Visibility.NONE)
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public final class StepState {

    // Read back as sorted maps too: the engine walks frames in index order.
    @JsonDeserialize(as = TreeMap.class)
    private final Map<IndexPath, StepFrame> frames = new TreeMap<>();
    @JsonDeserialize(as = TreeMap.class)
    private final Map<IndexPath, Integer> splits = new TreeMap<>();

    public Map<IndexPath, StepFrame> frames() {
        return frames;
    }

    /** Foreach cardinality by the path of the foreach task. */
    public Map<IndexPath, Integer> splits() {
        return splits;
    }

    public int succeededCount() {
        int done = 0;
        for (StepFrame frame : frames.values()) {
            done += frame.succeeded().size();
        }
        return done;
    }

    /** Tasks known so far; grows as enclosing foreach splits become known. */
    public int knownTotal() {
        int total = 0;
        for (StepFrame frame : frames.values()) {
            total += frame.total();
        }
        return total;
    }

    public boolean succeeded(IndexPath path) {
        StepFrame frame = frames.get(path.parent());
        return frame != null && frame.succeeded().contains(path.last());
    }

    StepState copy() {
        StepState copy = new StepState();
        frames.forEach((k, v) -> copy.frames.put(k, v.copy()));
        copy.splits.putAll(splits);
        return copy;
    }
}
