package io.stratoflow.api;

/** A failure caught by {@link Catch}: what was thrown and where. */
public record TaskFailure(String step, String exceptionType, String message, String stackTrace) {
}
