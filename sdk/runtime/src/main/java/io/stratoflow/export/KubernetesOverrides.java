package io.stratoflow.export;

import io.stratoflow.model.ResourceRequest;

/**
 * Parses Metaflow's {@code --with kubernetes[:cpu=4,memory=16000,gpu=1,disk=10240]}: the
 * resources every step gets at least (memory and disk in megabytes).
 */
public final class KubernetesOverrides {

    private KubernetesOverrides() {
    }

    /** Returns null for a plain {@code kubernetes} without values. */
    public static ResourceRequest parse(String decorator) {
        String text = decorator.trim();
        if (!text.equals("kubernetes") && !text.startsWith("kubernetes:")) {
            throw new IllegalArgumentException("--with " + decorator + ": only the kubernetes decorator is supported, e.g. "
                    + "--with kubernetes:cpu=4,memory=16000");
        }
        if (text.equals("kubernetes")) {
            return null;
        }
        ResourceRequest request = new ResourceRequest();
        for (String pair : text.substring("kubernetes:".length()).split(",")) {
            String[] parts = pair.split("=", 2);
            if (parts.length != 2 || parts[1].isBlank()) {
                throw new IllegalArgumentException("--with " + decorator + ": '" + pair + "' is not of the form name=value");
            }
            String value = parts[1].trim();
            switch (parts[0].trim()) {
                case "cpu" -> request.cpu = Quantities.cpu(positive(decorator, "cpu", value));
                case "memory" -> request.memory = Quantities.megabytes((long) positive(decorator, "memory", value));
                case "disk" -> request.disk = Quantities.megabytes((long) positive(decorator, "disk", value));
                case "gpu" -> request.gpu = (int) positive(decorator, "gpu", value);
                default -> throw new IllegalArgumentException("--with " + decorator + ": unknown attribute '" + parts[0]
                        + "'; use cpu, memory (MB), gpu or disk (MB)");
            }
        }
        return request;
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
