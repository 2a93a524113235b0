package io.stratoflow.engine;

import java.util.List;

/**
 * The engine's answer.
 *
 * @param wakeUpAtMillis when the engine wants to be asked again even if nothing is observed
 *                       (a retry delay or a timeout), or {@link Long#MAX_VALUE}
 */
public record Decision(List<Action> actions, long wakeUpAtMillis) {
}
