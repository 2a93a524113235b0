package io.stratoflow.e2e.bench;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.stratoflow.operator.pods.TaskPodNames;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Watches a namespace's Pods through an informer that keeps of each only its name and resource
 * version: counts the distinct split Pods created (a watch sees each added, even one deleted soon
 * after), those seen succeeded, and the most Pods (of any step) that existed at once.
 */
final class PodWatch implements AutoCloseable {
    private final int expected;
    private final SharedIndexInformer<Pod> informer;
    private final Set<String> created = ConcurrentHashMap.newKeySet();
    private final Set<String> succeeded = ConcurrentHashMap.newKeySet();
    private final AtomicLong firstCreatedNanos = new AtomicLong();
    private final AtomicLong allCreatedNanos = new AtomicLong();
    private final AtomicLong allSucceededNanos = new AtomicLong();
    private final AtomicInteger live = new AtomicInteger();
    private final AtomicInteger mostAtOnce = new AtomicInteger();
    private final AtomicInteger splitsDeleted = new AtomicInteger();

    private PodWatch(KubernetesClient client, String namespace, int expected) {
        this.expected = expected;
        this.informer = client.pods().inNamespace(namespace).runnableInformer(0).itemStore(new SlimPodStore());
        informer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod pod) {
                mostAtOnce.accumulateAndGet(live.incrementAndGet(), Math::max);
                if (isSplit(pod)) {
                    if (created.add(pod.getMetadata().getName())) {
                        long now = System.nanoTime();
                        int count = created.size();
                        firstCreatedNanos.compareAndSet(0, now);
                        if (count >= expected) {
                            allCreatedNanos.compareAndSet(0, now);
                        }
                    }
                    seen(pod);
                }
            }

            @Override
            public void onUpdate(Pod before, Pod after) {
                if (isSplit(after)) {
                    seen(after);
                }
            }

            @Override
            public void onDelete(Pod pod, boolean finalStateUnknown) {
                live.decrementAndGet();
                if (finalStateUnknown || isSplit(pod)) {
                    splitsDeleted.incrementAndGet();
                }
                if (!finalStateUnknown && isSplit(pod)) {
                    seen(pod);
                }
            }
        });
    }

    static PodWatch start(KubernetesClient client, String namespace, int expected) throws Exception {
        PodWatch watch = new PodWatch(client, namespace, expected);
        watch.informer.start().toCompletableFuture().get(2, TimeUnit.MINUTES);
        return watch;
    }

    private static boolean isSplit(Pod pod) {
        Map<String, String> labels = pod.getMetadata().getLabels();
        return labels != null && ScaleBenchmark.WORK.equals(labels.get(TaskPodNames.STEP_LABEL));
    }

    private void seen(Pod pod) {
        if (ScaleBenchmark.succeeded(pod) && succeeded.add(pod.getMetadata().getName()) && succeeded.size() >= expected) {
            allSucceededNanos.compareAndSet(0, System.nanoTime());
        }
    }

    long firstCreatedNanos() {
        return firstCreatedNanos.get();
    }

    long allCreatedNanos() {
        return allCreatedNanos.get();
    }

    long allSucceededNanos() {
        return allSucceededNanos.get();
    }

    int createdCount() {
        return created.size();
    }

    int succeededCount() {
        return succeeded.size();
    }

    int mostAtOnce() {
        return mostAtOnce.get();
    }

    /** Split Pods seen deleted (and Pods whose deletion a relist found, which are nearly all split Pods). */
    int splitsDeleted() {
        return splitsDeleted.get();
    }

    @Override
    public void close() {
        informer.close();
    }
}
