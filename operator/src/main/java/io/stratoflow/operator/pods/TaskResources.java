package io.stratoflow.operator.pods;

import io.fabric8.kubernetes.api.model.Quantity;
import io.stratoflow.model.PoolResources;
import io.stratoflow.model.ResourceRequest;
import io.stratoflow.model.StepSpec;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one task of a step requests on the cluster: the step's declared resources (Metaflow's
 * defaults of 1 CPU and 4096 MB when absent) raised, never lowered, by the Run's overrides.
 */
public record TaskResources(Quantity cpu, Quantity memory, int gpu, Quantity disk, String gpuResource) {

    public static final String NVIDIA_GPU = "nvidia.com/gpu";
    public static final String AMD_GPU = "amd.com/gpu";

    public static TaskResources of(StepSpec step, ResourceRequest overrides) {
        ResourceRequest declared = step.resources == null ? new ResourceRequest() : step.resources;
        Quantity cpu = larger(quantity(declared.cpu, "1"), overrides == null ? null : quantity(overrides.cpu, null));
        Quantity memory = larger(quantity(declared.memory, "4096M"), overrides == null ? null : quantity(overrides.memory, null));
        Quantity disk = larger(quantity(declared.disk, null), overrides == null ? null : quantity(overrides.disk, null));
        int gpu = Math.max(declared.gpu == null ? 0 : declared.gpu, overrides == null || overrides.gpu == null ? 0 : overrides.gpu);
        String vendor = step.placement == null || step.placement.gpuVendor == null ? "nvidia" : step.placement.gpuVendor;
        return new TaskResources(cpu, memory, gpu, disk, vendor.equals("amd") ? AMD_GPU : NVIDIA_GPU);
    }

    /** Requests (and limits): cpu, memory, GPUs as the vendor's extended resource, disk as ephemeral storage. */
    public Map<String, Quantity> asMap() {
        Map<String, Quantity> map = new LinkedHashMap<>();
        map.put("cpu", cpu);
        map.put("memory", memory);
        if (gpu > 0) {
            map.put(gpuResource, new Quantity(Integer.toString(gpu)));
        }
        if (disk != null) {
            map.put("ephemeral-storage", disk);
        }
        return map;
    }

    /** What exceeds {@code max}, e.g. {@code memory=512000M (at most 256Gi)}; empty when the task fits. */
    public List<String> excess(PoolResources max) {
        List<String> excess = new ArrayList<>();
        if (max == null) {
            return excess;
        }
        exceeds("cpu", cpu, max.cpu, excess);
        exceeds("memory", memory, max.memory, excess);
        exceeds("disk", disk, max.ephemeralStorage, excess);
        int maxGpu = max.gpu == null ? 0 : max.gpu;
        if (gpu > maxGpu) {
            excess.add("gpu=" + gpu + " (at most " + maxGpu + ")");
        }
        return excess;
    }

    @Override
    public String toString() {
        return "cpu=" + cpu + ", memory=" + memory + (gpu > 0 ? ", gpu=" + gpu : "") + (disk != null ? ", disk=" + disk : "");
    }

    private static void exceeds(String name, Quantity asked, String limit, List<String> excess) {
        if (asked == null || limit == null) {
            return;
        }
        if (amount(asked).compareTo(amount(new Quantity(limit))) > 0) {
            excess.add(name + "=" + asked + " (at most " + limit + ")");
        }
    }

    static BigDecimal amount(Quantity quantity) {
        return Quantity.getAmountInBytes(quantity);
    }

    /** A quantity, read now: a malformed one fails here, with its text, not later in a Pod the API server refuses. */
    private static Quantity quantity(String text, String fallback) {
        String value = text == null || text.isBlank() ? fallback : text;
        if (value == null) {
            return null;
        }
        Quantity quantity = new Quantity(value);
        try {
            amount(quantity);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new IllegalArgumentException("resource quantity '" + value + "' is malformed; use e.g. 2, 500m, 16000M or 16Gi", e);
        }
        return quantity;
    }

    private static Quantity larger(Quantity declared, Quantity override) {
        if (override == null) {
            return declared;
        }
        if (declared == null) {
            return override;
        }
        return amount(override).compareTo(amount(declared)) > 0 ? override : declared;
    }
}
