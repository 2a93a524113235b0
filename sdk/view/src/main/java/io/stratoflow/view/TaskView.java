package io.stratoflow.view;

/**
 * A task of a step: {@code succeeded}, {@code running}, {@code retrying}, {@code failed} or
 * {@code waiting}; its latest attempt; when it started and finished where that is known.
 */
public record TaskView(String taskId, String status, int attempt, Long startedAt, Long finishedAt) {
}
