package io.stratoflow.operator.run;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.stratoflow.engine.IndexPath;
import io.stratoflow.engine.RunState;
import io.stratoflow.engine.TaskKey;
import io.stratoflow.operator.config.OperatorSettings;
import io.stratoflow.operator.pods.TaskPodNames;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;

/**
 * Deletes, in the background, the Run's Succeeded Pods whose result its written status records, so that a wide
 * foreach leaves only its running window on the API server. Runs after the pass's status write, never before it:
 * a Pod deleted before its result is recorded would be lost to a restarted operator.
 */
@ApplicationScoped
public class SucceededPodCleanup {

    private static final Logger LOG = Logger.getLogger(SucceededPodCleanup.class);

    @Inject
    OperatorSettings settings;

    private ExecutorService deleters;
    /** Per Run, the Pods whose deletion was sent and that the cache still shows: each is deleted once. */
    private final Map<String, Set<String>> deleting = new ConcurrentHashMap<>();

    void deleteRecorded(RunPass pass) {
        RunState state = pass.recordedState();
        if (!settings.deleteSucceededPods() || state == null) {
            return;
        }
        Map<String, Pod> pods = pass.pods();
        String runKey = pass.namespace() + "/" + pass.name();
        Set<String> sent = deleting.computeIfAbsent(runKey, k -> ConcurrentHashMap.newKeySet());
        sent.retainAll(pods.keySet());
        int before = sent.size();
        for (Pod pod : pods.values()) {
            String name = pod.getMetadata().getName();
            boolean succeeded = pod.getStatus() != null && "Succeeded".equals(pod.getStatus().getPhase());
            if (!succeeded || pod.getMetadata().getDeletionTimestamp() != null || sent.contains(name) || !recorded(state, pod)) {
                continue;
            }
            sent.add(name);
            String namespace = pod.getMetadata().getNamespace();
            deleters.submit(() -> {
                try {
                    pass.client().pods().inNamespace(namespace).withName(name).delete();
                } catch (KubernetesClientException e) {
                    // the next pass sends it again if the Pod is still there
                    sent.remove(name);
                    LOG.debugf("Pod %s/%s not deleted: %s", namespace, name, e.getMessage());
                }
            });
        }
        // nothing in flight and nothing sent: a finished Run leaves no entry behind
        if (before == 0 && sent.isEmpty()) {
            deleting.remove(runKey, sent);
        }
    }

    /** Whether the Run's state counts the Pod's task as succeeded; its id reads alike for a step outside a foreach and split 0. */
    private static boolean recorded(RunState state, Pod pod) {
        Map<String, String> annotations = pod.getMetadata().getAnnotations();
        String step = annotations == null ? null : annotations.get(TaskPodNames.STEP_ANNOTATION);
        String taskId = annotations == null ? null : annotations.get(TaskPodNames.TASK_ANNOTATION);
        if (step == null || taskId == null) {
            return false;
        }
        if (taskId.equals("0") && state.succeeded(TaskKey.root(step))) {
            return true;
        }
        try {
            return state.succeeded(new TaskKey(step, IndexPath.parse(taskId)));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    @PreDestroy
    void close() {
        deleters.shutdownNow();
    }

    @PostConstruct
    void init() {
        deleters = PodRequestThreads.named("stratoflow-pod-deleter", settings.podCreationThreads());
    }
}
