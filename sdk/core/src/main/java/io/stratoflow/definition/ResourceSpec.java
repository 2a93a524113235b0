package io.stratoflow.definition;

/**
 * What one task of a step asks for.
 *
 * @param memoryMb memory in megabytes
 * @param diskMb   ephemeral disk in megabytes; 0 leaves it to the cluster
 */
public record ResourceSpec(double cpu, int memoryMb, int gpu, int diskMb) {

    public static final ResourceSpec DEFAULT = new ResourceSpec(1, 4096, 0, 0);

    /** The larger of each value: how {@code --with kubernetes:cpu=..} and {@code @Kubernetes} overrides combine. */
    public ResourceSpec atLeast(ResourceSpec other) {
        return new ResourceSpec(Math.max(cpu, other.cpu), Math.max(memoryMb, other.memoryMb),
                Math.max(gpu, other.gpu), Math.max(diskMb, other.diskMb));
    }

    @Override
    public String toString() {
        String cpuText = cpu == Math.rint(cpu) ? String.valueOf((long) cpu) : String.valueOf(cpu);
        StringBuilder text = new StringBuilder("cpu=" + cpuText + ", memory=" + memoryMb + "MB");
        if (gpu > 0) {
            text.append(", gpu=").append(gpu);
        }
        if (diskMb > 0) {
            text.append(", disk=").append(diskMb).append("MB");
        }
        return text.toString();
    }
}
