package io.stratoflow.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** A task the submitting CLI runs on its own machine: which one, and the task description it runs with. */
public class ExternalTask {

    public String step;

    public String taskId;

    public int attempt;

    @JsonPropertyDescription("The task's description, encoded as the task runner reads it from STRATOFLOW_TASK.")
    public String task;

    public ExternalTask() {
    }

    public ExternalTask(String step, String taskId, int attempt, String task) {
        this.step = step;
        this.taskId = taskId;
        this.attempt = attempt;
        this.task = task;
    }
}
