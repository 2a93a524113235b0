package io.stratoflow.view;

import java.util.List;

/** One page of a step's tasks: {@code total} tasks known, {@code tasks} from {@code offset} on. */
public record TaskPage(String step, int total, int offset, List<TaskView> tasks) {
}
