package io.stratoflow.export;

import io.stratoflow.model.ResourceRequest;

import java.util.Map;

/**
 * What {@code --with kubernetes:…} asks for: resources every step gets at least (null: none), and the image and
 * placement of the steps without {@code @Kubernetes} (null or empty: the flow's own).
 */
public record KubernetesDecorator(ResourceRequest resources, String image, String computePool, Map<String, String> nodeSelector) {

    public static final KubernetesDecorator NONE = new KubernetesDecorator(null, null, null, Map.of());

    public KubernetesDecorator {
        nodeSelector = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(nodeSelector));
    }
}
