package io.stratoflow.operator.pods;

/**
 * Cluster-wide settings of task Pods.
 *
 * @param image          image of SDK steps when the Flow names none
 * @param serviceAccount service account task Pods run as; null for the namespace's default
 */
public record TaskPodDefaults(String image, String serviceAccount) {
}
