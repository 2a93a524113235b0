package io.stratoflow.e2e.bench;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * An informer's store that keeps of each Pod only its namespace, name and resource version, so that
 * 100,000 Pods cost the benchmark's heap little; the event handlers still see whole Pods.
 */
final class SlimPodStore implements ItemStore<Pod> {
    private final ConcurrentHashMap<String, String> versions = new ConcurrentHashMap<>();

    @Override
    public String getKey(Pod pod) {
        return pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
    }

    @Override
    public Pod put(String key, Pod pod) {
        return slim(key, versions.put(key, pod.getMetadata().getResourceVersion()));
    }

    @Override
    public Pod remove(String key) {
        return slim(key, versions.remove(key));
    }

    @Override
    public Stream<String> keySet() {
        return versions.keySet().stream();
    }

    @Override
    public Stream<Pod> values() {
        return versions.entrySet().stream().map(e -> slim(e.getKey(), e.getValue()));
    }

    @Override
    public int size() {
        return versions.size();
    }

    @Override
    public Pod get(String key) {
        return slim(key, versions.get(key));
    }

    @Override
    public boolean isFullState() {
        return false;
    }

    private static Pod slim(String key, String resourceVersion) {
        if (resourceVersion == null) {
            return null;
        }
        int slash = key.indexOf('/');
        return new PodBuilder().withNewMetadata().withNamespace(key.substring(0, slash)).withName(key.substring(slash + 1))
                .withResourceVersion(resourceVersion).endMetadata().build();
    }
}
