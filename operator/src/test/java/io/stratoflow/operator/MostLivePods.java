package io.stratoflow.operator;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/** Watches Pods as the API server sends every event and remembers the most of them ever live at once. */
public final class MostLivePods implements Watcher<Pod> {

    private final Predicate<Pod> counted;
    private final Map<String, Boolean> live = new ConcurrentHashMap<>();
    private final AtomicInteger most = new AtomicInteger();

    public MostLivePods(Predicate<Pod> counted) {
        this.counted = counted;
    }

    @Override
    public void eventReceived(Action action, Pod pod) {
        if (!counted.test(pod)) {
            return;
        }
        if (action == Action.DELETED || !Fixtures.live(pod)) {
            live.remove(pod.getMetadata().getName());
        } else {
            live.put(pod.getMetadata().getName(), true);
        }
        most.accumulateAndGet(live.size(), Math::max);
    }

    @Override
    public void onClose(WatcherException cause) {
    }

    public int most() {
        return most.get();
    }
}
