package io.stratoflow.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** How far one step of a Run got. */
public class StepProgress {

    @JsonPropertyDescription("Tasks that succeeded.")
    public int done;

    @JsonPropertyDescription("Tasks running now.")
    public int running;

    @JsonPropertyDescription("Tasks known so far; grows as foreach splits become known.")
    public int total;

    public StepProgress() {
    }

    public StepProgress(int done, int running, int total) {
        this.done = done;
        this.running = running;
        this.total = total;
    }
}
