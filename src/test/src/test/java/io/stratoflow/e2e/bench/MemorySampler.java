package io.stratoflow.e2e.bench;

import io.stratoflow.e2e.support.OperatorProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/** Samples the operator's heap (from its metrics endpoint) and its peak RSS (from /proc), and reads its reconcile count. */
final class MemorySampler {
    private final OperatorProcess operator;
    private final HttpClient http = HttpClient.newHttpClient();
    private final java.util.concurrent.ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private volatile double peakHeapBytes;

    MemorySampler(OperatorProcess operator) {
        this.operator = operator;
    }

    void start() {
        timer.scheduleAtFixedRate(this::sample, 0, 500, TimeUnit.MILLISECONDS);
    }

    void stop() throws InterruptedException {
        timer.shutdown();
        timer.awaitTermination(5, TimeUnit.SECONDS);
    }

    private void sample() {
        try {
            String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + operator.port() + "/q/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            double heap = metrics.lines().filter(l -> l.startsWith("jvm_memory_used_bytes{") && l.contains("area=\"heap\""))
                    .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
            peakHeapBytes = Math.max(peakHeapBytes, heap);
        } catch (IOException | RuntimeException e) {
            // the operator may be busy; the next sample counts
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The Run controller's reconcile passes so far, from the Java Operator SDK's counter in the operator's metrics. */
    double runReconciliations() throws IOException, InterruptedException {
        String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + operator.port() + "/q/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        return metrics.lines().filter(l -> l.startsWith("operator_sdk_reconciliations_started_total{") && l.contains("kind=\"Run\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    double peakHeapMiB() {
        return peakHeapBytes / (1 << 20);
    }

    /** VmHWM: the largest resident set the process has had (since it started: the peak over this width and those before). */
    double peakRssMiB() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(operator.pid()), "status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
            }
        }
        return -1;
    }
}
