package io.stratoflow.operator.status;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.stratoflow.datastore.DatastoreException;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a reconciliation that threw tells the resource's owner: condition {@code Reconciled}
 * False with a reason a person can act on, and when the operator tries again (doubling from
 * 1 s to 1 min per resource, back to 1 s after a reconciliation that succeeds).
 */
public final class ReconcileFailures {

    public static final String CONDITION = "Reconciled";
    static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    static final Duration LAST_RETRY = Duration.ofMinutes(1);

    private final Map<ResourceID, Integer> failuresInARow = new ConcurrentHashMap<>();

    /** Why a reconciliation failed, for a condition and an Event. */
    public record Failure(String reason, String message, Duration retryAfter) {
    }

    /** Counts a failure of {@code id}'s reconciliation and describes it. */
    public Failure failed(ResourceID id, String kind, Exception e) {
        int inARow = failuresInARow.merge(id, 1, Integer::sum);
        long seconds = Math.min(LAST_RETRY.toSeconds(), FIRST_RETRY.toSeconds() << Math.min(inARow - 1, 16));
        Duration retry = Duration.ofSeconds(seconds);
        String[] described = describe(kind, e);
        // the message stays the same from one failure to the next, so that recording it again writes nothing
        return new Failure(described[0], described[1] + " The operator tries again, with pauses growing to 1 min.", retry);
    }

    /** Counts a failure of {@code resource}'s reconciliation and sets condition Reconciled False on {@code conditions}, saying why. */
    public Failure recordFailure(HasMetadata resource, List<Condition> conditions, Exception e) {
        Failure failure = failed(ResourceID.fromResource(resource), resource.getKind(), e);
        long generation = resource.getMetadata().getGeneration() == null ? 0 : resource.getMetadata().getGeneration();
        Conditions.set(conditions, CONDITION, false, failure.reason(), failure.message(), generation, Instant.now());
        return failure;
    }

    /** Whether {@code id}'s last reconciliation failed; forgets it, so that the next failure waits 1 s again. */
    public boolean succeeded(ResourceID id) {
        return failuresInARow.remove(id) != null;
    }

    /** Whether the conditions say the last reconciliation failed. */
    public static boolean failedLast(List<Condition> conditions) {
        return Conditions.find(conditions, CONDITION).filter(c -> "False".equals(c.getStatus())).isPresent();
    }

    /** After a failure, condition Reconciled turns True again; a resource that never failed does not get it. */
    public static void markReconciled(List<Condition> conditions, long generation, Instant now) {
        if (failedLast(conditions)) {
            Conditions.set(conditions, CONDITION, true, "Reconciled", "the last reconciliation succeeded", generation, now);
        }
    }

    public void forget(ResourceID id) {
        failuresInARow.remove(id);
    }

    /** A reason and a message that says what went wrong and what to do. */
    static String[] describe(String kind, Exception e) {
        String detail = detail(e);
        if (e instanceof KubernetesClientException api) {
            int code = api.getCode();
            if (code == 0 || hasCause(e, IOException.class)) {
                return new String[] {"APIServerUnreachable", "Reconciling this " + kind + " failed: the Kubernetes API server did not answer ("
                        + detail + "). Nothing is lost; the operator resumes from the " + kind + "'s status once it answers."};
            }
            if (code == 401 || code == 403) {
                return new String[] {"Forbidden", "Reconciling this " + kind + " failed: the API server refused the operator (" + detail
                        + "). Check the operator's RBAC (the chart's ClusterRole) and its ServiceAccount."};
            }
            if (code == 409) {
                return new String[] {"Conflict", "Reconciling this " + kind + " failed on a concurrent change (" + detail + ")."};
            }
            if (code == 422 || code == 400) {
                return new String[] {"Invalid", "Reconciling this " + kind + " failed: the API server rejected an object the operator wrote ("
                        + detail + "). This is a bug of the operator: report it with this message."};
            }
            return new String[] {"APIServerError", "Reconciling this " + kind + " failed: the API server answered " + code + " (" + detail + ")."};
        }
        if (e instanceof DatastoreException) {
            return new String[] {"DatastoreUnavailable", "Reconciling this " + kind + " failed in the datastore: " + detail};
        }
        return new String[] {"ReconcileFailed", "Reconciling this " + kind + " failed: " + e.getClass().getName() + ": " + detail
                + ". If this persists, report it with the operator's log."};
    }

    /** The exception's message, and its root cause's when that says more (a refused connection). */
    private static String detail(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root != e && root.getMessage() != null && !message.contains(root.getMessage())) {
            message += ": " + root.getMessage();
        }
        return message;
    }

    private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (type.isInstance(cause)) {
                return true;
            }
        }
        return false;
    }
}
