package io.stratoflow.runtime;

import java.lang.management.ManagementFactory;

/**
 * How busy this machine's CPUs are, from 0 (idle) to 1 (all busy), smoothed over samples taken
 * at a steady pace (the JVM measures the load since its previous sample, so samples taken in
 * quick succession are noise). Until measured, the CPUs count as busy.
 */
final class SystemCpu {

    private double smoothed = 1;

    void sample() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            double load = os.getCpuLoad();
            if (load >= 0) {
                synchronized (this) {
                    smoothed = 0.6 * smoothed + 0.4 * load;
                }
            }
        }
    }

    synchronized double load() {
        return smoothed;
    }
}
