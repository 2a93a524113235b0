package io.stratoflow.e2e.bench;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.HttpClient.Factory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/** fabric8's client on one HTTP client implementation, threads taking the next Pod, each thread on one of the clients. */
final class Fabric8Creator implements RawCreator {
    private final List<KubernetesClient> clients = new ArrayList<>();
    private final ExecutorService threads;
    private final int threadCount;

    Fabric8Creator(Config config, Supplier<Factory> http, int clientCount, int threadCount) {
        for (int c = 0; c < clientCount; c++) {
            clients.add(new KubernetesClientBuilder().withConfig(config).withHttpClientFactory(http.get()).build());
        }
        this.threadCount = threadCount;
        this.threads = Executors.newFixedThreadPool(threadCount);
    }

    @Override
    public Callable<Void> prepare(String namespace, List<Pod> pods) {
        return () -> {
            AtomicInteger next = new AtomicInteger();
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threadCount; t++) {
                KubernetesClient client = clients.get(t % clients.size());
                done.add(threads.submit(() -> {
                    for (int i = next.getAndIncrement(); i < pods.size(); i = next.getAndIncrement()) {
                        ScaleBenchmark.createPersistently(client, namespace, pods.get(i));
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            return null;
        };
    }

    @Override
    public void close() {
        threads.shutdownNow();
        clients.forEach(KubernetesClient::close);
    }
}
