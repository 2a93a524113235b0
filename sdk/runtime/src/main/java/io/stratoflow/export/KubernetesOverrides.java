package io.stratoflow.export;

import io.stratoflow.model.ResourceRequest;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Parses Metaflow's {@code --with kubernetes[:cpu=4,memory=16000,gpu=1,disk=10240,image=…,node_selector=k=v,compute_pool=…]}:
 * the resources every step gets at least (memory and disk in megabytes), and the image and placement of the steps
 * that carry no {@code @Kubernetes}. A node selector's value may hold commas ({@code node_selector=a=1,b=2}): a piece
 * that does not start with a known attribute continues the one before it.
 */
public final class KubernetesOverrides {

    private static final Set<String> ATTRIBUTES = Set.of("cpu", "memory", "gpu", "disk", "image", "node_selector", "compute_pool");

    private KubernetesOverrides() {
    }

    public static KubernetesDecorator parse(String decorator) {
        String text = decorator.trim();
        if (!text.equals("kubernetes") && !text.startsWith("kubernetes:")) {
            throw new IllegalArgumentException("--with " + decorator + ": only the kubernetes decorator is supported, e.g. "
                    + "--with kubernetes:cpu=4,memory=16000");
        }
        if (text.equals("kubernetes")) {
            return KubernetesDecorator.NONE;
        }
        Map<String, String> attributes = attributes(decorator, text.substring("kubernetes:".length()));
        ResourceRequest request = new ResourceRequest();
        boolean anyResource = false;
        String image = null;
        String computePool = null;
        Map<String, String> nodeSelector = new LinkedHashMap<>();
        for (Map.Entry<String, String> attribute : attributes.entrySet()) {
            String value = attribute.getValue();
            switch (attribute.getKey()) {
                case "cpu" -> request.cpu = Quantities.cpu(positive(decorator, "cpu", value));
                case "memory" -> request.memory = Quantities.megabytes((long) positive(decorator, "memory", value));
                case "disk" -> request.disk = Quantities.megabytes((long) positive(decorator, "disk", value));
                case "gpu" -> request.gpu = (int) positive(decorator, "gpu", value);
                case "image" -> image = value;
                case "compute_pool" -> computePool = value;
                case "node_selector" -> nodeSelector.putAll(selector(decorator, value));
                default -> throw new IllegalStateException(attribute.getKey());
            }
            anyResource |= Set.of("cpu", "memory", "disk", "gpu").contains(attribute.getKey());
        }
        return new KubernetesDecorator(anyResource ? request : null, image, computePool, nodeSelector);
    }

    private static Map<String, String> attributes(String decorator, String text) {
        Map<String, String> attributes = new LinkedHashMap<>();
        String current = null;
        for (String piece : text.split(",")) {
            String[] parts = piece.split("=", 2);
            String name = parts[0].trim();
            if (parts.length == 2 && ATTRIBUTES.contains(name)) {
                if (parts[1].isBlank()) {
                    throw new IllegalArgumentException("--with " + decorator + ": " + name + " has no value");
                }
                current = name;
                attributes.put(name, parts[1].trim());
            } else if ("node_selector".equals(current)) {
                attributes.put(current, attributes.get(current) + "," + piece.trim());
            } else if (parts.length == 2) {
                throw new IllegalArgumentException("--with " + decorator + ": unknown attribute '" + name
                        + "'; use cpu, memory (MB), gpu, disk (MB), image, node_selector or compute_pool");
            } else {
                throw new IllegalArgumentException("--with " + decorator + ": '" + piece + "' is not of the form name=value");
            }
        }
        return attributes;
    }

    private static Map<String, String> selector(String decorator, String value) {
        Map<String, String> selector = new LinkedHashMap<>();
        for (String pair : value.split(",")) {
            String[] parts = pair.split("=", 2);
            if (parts.length != 2 || parts[0].isBlank()) {
                throw new IllegalArgumentException("--with " + decorator + ": node_selector '" + pair + "' is not of the form label=value");
            }
            selector.put(parts[0].trim(), parts[1].trim());
        }
        return selector;
    }

    private static double positive(String decorator, String name, String value) {
        try {
            double number = Double.parseDouble(value);
            if (number > 0) {
                return number;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("--with " + decorator + ": " + name + " must be a positive number, got '" + value + "'");
    }
}
