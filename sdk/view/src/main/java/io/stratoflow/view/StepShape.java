package io.stratoflow.view;

import java.util.List;

/**
 * A step as the flow defines it: where it leads, what kind it is ({@code foreach}, {@code split},
 * {@code join}, {@code linear} or {@code end}), how many foreach steps enclose it (-1 when not
 * known) and what it asks for.
 */
public record StepShape(String name, List<String> next, String kind, int foreachDepth, String cpu, String memory, Integer gpu) {

    /** A step known only by name (a run whose flow definition the source does not have). */
    public static StepShape named(String name) {
        return new StepShape(name, List.of(), "linear", -1, null, null, null);
    }
}
