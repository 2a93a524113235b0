package io.stratoflow.operator.pods;

import io.stratoflow.engine.TaskKey;
import io.stratoflow.model.TaskPodKeys;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Deterministic Pod names, one per (run, step, task, attempt), so that a create repeated after
 * an operator restart finds the Pod that exists instead of making a second one.
 */
public final class TaskPodNames {

    public static final String FLOW_LABEL = TaskPodKeys.FLOW_LABEL;
    public static final String RUN_LABEL = TaskPodKeys.RUN_LABEL;
    public static final String STEP_LABEL = TaskPodKeys.STEP_LABEL;
    public static final String TASK_LABEL = TaskPodKeys.TASK_LABEL;
    public static final String POOL_LABEL = TaskPodKeys.POOL_LABEL;
    public static final String ATTEMPT_ANNOTATION = TaskPodKeys.ATTEMPT_ANNOTATION;
    public static final String STEP_ANNOTATION = TaskPodKeys.STEP_ANNOTATION;
    public static final String TASK_ANNOTATION = TaskPodKeys.TASK_ANNOTATION;

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

    /**
     * Lower case letters, digits and single dashes, no dash at either end. One pass without regular
     * expressions: it runs for every task of every reconciliation.
     */
    static String dns(String text) {
        StringBuilder name = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = Character.toLowerCase(text.charAt(i));
            boolean allowed = c >= 'a' && c <= 'z' || c >= '0' && c <= '9';
            if (allowed) {
                name.append(c);
            } else if (name.length() > 0 && name.charAt(name.length() - 1) != '-') {
                name.append('-');
            }
        }
        if (name.length() > 0 && name.charAt(name.length() - 1) == '-') {
            name.setLength(name.length() - 1);
        }
        return name.toString();
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
