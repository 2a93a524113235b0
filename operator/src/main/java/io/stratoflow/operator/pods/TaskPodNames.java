package io.stratoflow.operator.pods;

import io.stratoflow.engine.TaskKey;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Deterministic Pod names, one per (run, step, task, attempt), so that a create repeated after
 * an operator restart finds the Pod that exists instead of making a second one.
 */
public final class TaskPodNames {

    public static final String FLOW_LABEL = "stratoflow.io/flow";
    public static final String RUN_LABEL = "stratoflow.io/run";
    public static final String STEP_LABEL = "stratoflow.io/step";
    public static final String TASK_LABEL = "stratoflow.io/task";
    public static final String POOL_LABEL = "stratoflow.io/pool";
    public static final String ATTEMPT_ANNOTATION = "stratoflow.io/attempt";
    public static final String STEP_ANNOTATION = "stratoflow.io/step-name";
    public static final String TASK_ANNOTATION = "stratoflow.io/task-id";

    private static final int MAX_NAME = 63;

    private TaskPodNames() {
    }

    public static String podName(String run, TaskKey task, int attempt) {
        String name = dns(run + "-" + task.step() + "-" + task.taskId().replace('.', '-') + "-" + attempt);
        if (name.length() <= MAX_NAME) {
            return name;
        }
        String hash = hash(run + "/" + task + "/" + attempt);
        return name.substring(0, MAX_NAME - hash.length() - 1).replaceAll("-+$", "") + "-" + hash;
    }

    /** A label value for a step name: lower case, dashes for underscores, at most 63 characters. */
    public static String labelValue(String text) {
        String value = dns(text);
        return value.length() <= MAX_NAME ? value : value.substring(0, MAX_NAME - 9) + "-" + hash(text);
    }

    private static String dns(String text) {
        return text.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-").replaceAll("-{2,}", "-").replaceAll("^-|-$", "");
    }

    private static String hash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
