package io.stratoflow.operator.status;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** Sets Kubernetes-style conditions, keeping lastTransitionTime when the status does not change. */
public final class Conditions {

    private Conditions() {
    }

    public static void set(List<Condition> conditions, String type, boolean status, String reason, String message, Long generation,
                           Instant now) {
        set(conditions, type, status ? "True" : "False", reason, message, generation, now);
    }

    /** A condition the operator cannot judge, e.g. for want of an API or of permission to read it. */
    public static void setUnknown(List<Condition> conditions, String type, String reason, String message, Long generation, Instant now) {
        set(conditions, type, "Unknown", reason, message, generation, now);
    }

    private static void set(List<Condition> conditions, String type, String value, String reason, String message, Long generation,
                            Instant now) {
        Optional<Condition> existing = conditions.stream().filter(c -> c.getType().equals(type)).findFirst();
        String since = existing.filter(c -> c.getStatus().equals(value)).map(Condition::getLastTransitionTime).orElse(now.toString());
        Condition condition = new ConditionBuilder().withType(type).withStatus(value).withReason(reason)
                .withMessage(message == null ? "" : message).withObservedGeneration(generation).withLastTransitionTime(since).build();
        existing.ifPresent(conditions::remove);
        conditions.add(condition);
        conditions.sort((a, b) -> a.getType().compareTo(b.getType()));
    }

    public static void remove(List<Condition> conditions, String type) {
        conditions.removeIf(c -> c.getType().equals(type));
    }

    public static Optional<Condition> find(List<Condition> conditions, String type) {
        return conditions.stream().filter(c -> Objects.equals(c.getType(), type)).findFirst();
    }
}
