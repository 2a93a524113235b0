package io.stratoflow.images;

import java.util.List;
import java.util.Map;

/**
 * One image: its file name and reference, its layers from the bottom up, and how a container of it starts.
 *
 * @param name       the archive's base name (operator: operator.oci.tar)
 * @param reference  repository and tag, e.g. stratoflow/operator:0.1.0
 * @param env        the container's environment, in order
 * @param workingDir empty for /
 */
record ImageDefinition(String name, String reference, List<Layer> layers, Map<String, String> env,
                       List<String> entrypoint, String workingDir, String user) {
}
