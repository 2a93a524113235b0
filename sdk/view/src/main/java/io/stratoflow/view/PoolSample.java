package io.stratoflow.view;

/**
 * A pool at one moment: demand (running and waiting tasks' requests) as a percentage of its
 * allocatable capacity, per resource (null when the pool has none of it), and its nodes online.
 */
public record PoolSample(long at, Double cpuPercent, Double memoryPercent, Double gpuPercent, int nodes) {
}
