package io.stratoflow.operator.pods;

/**
 * Cluster-wide settings of task Pods.
 *
 * @param image             image of SDK steps when the Flow names none: a Java runtime with the task runner
 * @param serviceAccount    service account task Pods run as; null for the namespace's default
 * @param credentialsSecret Secret whose keys become the environment of SDK task Pods (datastore credentials); null for none
 */
public record TaskPodDefaults(String image, String serviceAccount, String credentialsSecret) {
}
