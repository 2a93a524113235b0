package io.stratoflow.runtime;

import io.stratoflow.runtime.worker.WorkerMain;
import io.stratoflow.task.EnvironmentNames;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Builds the command line of a worker JVM: the same Java and classpath as the flow, a bounded heap. */
public final class WorkerLauncher {

    private final List<String> command;

    /** A worker for the flow {@code flowType}, which it loads and warms up before taking tasks. */
    public WorkerLauncher(Class<?> flowType, long heapMb) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx" + heapMb + "m");
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-XX:-UsePerfData");
        cmd.add("-Xshare:auto");
        cmd.add("-Dfile.encoding=UTF-8");
        String extra = System.getenv(EnvironmentNames.WORKER_JAVA_OPTIONS);
        if (extra != null) {
            for (String option : extra.trim().split("\\s+")) {
                if (!option.isEmpty()) {
                    cmd.add(option);
                }
            }
        }
        cmd.add("-cp");
        cmd.add(classpath(flowType.getClassLoader()));
        cmd.add(WorkerMain.class.getName());
        cmd.add(flowType.getName());
        this.command = List.copyOf(cmd);
    }

    public List<String> command() {
        return command;
    }

    /**
     * The worker heap: what the most demanding step declares, but at most half of this machine's
     * memory, so that a step declared for a large cluster node fails cleanly here instead of
     * swapping the laptop to a halt.
     */
    public static long heapMb(int largestDeclaredMb) {
        long half = physicalMemoryMb() / 2;
        return Math.max(256, Math.min(largestDeclaredMb, half));
    }

    /** {@link #heapMb(int)}, at most {@code capMb} when that is positive (an explicit cap wins over the 256 MB floor). */
    public static long heapMb(int largestDeclaredMb, long capMb) {
        long heap = heapMb(largestDeclaredMb);
        return capMb > 0 ? Math.min(heap, capMb) : heap;
    }

    public static long physicalMemoryMb() {
        java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return sun.getTotalMemorySize() / (1024 * 1024);
        }
        return Runtime.getRuntime().maxMemory() / (1024 * 1024) * 4;
    }

    /** The JVM's classpath plus the URLs of the flow's class loader (e.g. when run from {@code mvn exec:java}). */
    private static String classpath(ClassLoader loader) {
        Set<String> entries = new LinkedHashSet<>();
        for (ClassLoader l = loader; l != null; l = l.getParent()) {
            if (l instanceof URLClassLoader urls) {
                for (URL url : urls.getURLs()) {
                    if ("file".equals(url.getProtocol())) {
                        try {
                            entries.add(new File(url.toURI()).getPath());
                        } catch (URISyntaxException e) {
                            entries.add(url.getPath());
                        }
                    }
                }
            }
        }
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (!entry.isBlank()) {
                entries.add(entry);
            }
        }
        return String.join(File.pathSeparator, entries);
    }
}
