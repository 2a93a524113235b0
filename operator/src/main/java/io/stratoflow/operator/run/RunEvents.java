package io.stratoflow.operator.run;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.stratoflow.model.Run;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Kubernetes Events on a Run, for what a person should notice, aggregated as the kubelet's
 * recorder does: one Event per Run and reason, whose count grows and whose message is the
 * latest. A 10,000-way fan-out whose tasks all fail writes one TaskFailed Event, counted
 * 10,000 times, not 10,000 Events.
 */
final class RunEvents {

    private static final Logger LOG = Logger.getLogger(RunEvents.class);
    private static final int MAX_REMEMBERED = 10_000;

    /** The Events written last, by namespace and name: counting up needs no read first. */
    private static final Map<String, Event> WRITTEN = new ConcurrentHashMap<>();

    private RunEvents() {
    }

    static void normal(KubernetesClient client, Run run, String reason, String message) {
        post(client, run, "Normal", reason, message);
    }

    static void warning(KubernetesClient client, Run run, String reason, String message) {
        post(client, run, "Warning", reason, message);
    }

    /** The one Event of a Run for a reason. */
    static String nameOf(Run run, String reason) {
        return run.getMetadata().getName() + "." + reason.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
    }

    private static void post(KubernetesClient client, Run run, String type, String reason, String message) {
        String key = run.getMetadata().getNamespace() + "/" + nameOf(run, reason);
        try {
            write(client, run, type, reason, message, WRITTEN.get(key));
        } catch (KubernetesClientException stale) {
            // the remembered copy is out of date (written in between, expired, deleted): once more from the server's
            WRITTEN.remove(key);
            try {
                write(client, run, type, reason, message, null);
            } catch (KubernetesClientException e) {
                WRITTEN.remove(key);
                LOG.debugf("Could not record event %s on run %s: %s", reason, run.getMetadata().getName(), e.getMessage());
            }
        }
    }

    private static void write(KubernetesClient client, Run run, String type, String reason, String message, Event remembered) {
        String namespace = run.getMetadata().getNamespace();
        String name = nameOf(run, reason);
        String key = namespace + "/" + name;
        String now = Instant.now().toString();
        String text = message.length() > 1000 ? message.substring(0, 1000) + "…" : message;
        var events = client.v1().events().inNamespace(namespace);
        Event fresh = new EventBuilder()
                .withNewMetadata().withName(name).withNamespace(namespace).endMetadata()
                .withNewInvolvedObject()
                    .withApiVersion(run.getApiVersion()).withKind(run.getKind())
                    .withName(run.getMetadata().getName()).withNamespace(namespace)
                    .withUid(run.getMetadata().getUid())
                .endInvolvedObject()
                .withType(type).withReason(reason).withMessage(text)
                .withFirstTimestamp(now).withLastTimestamp(now).withCount(1)
                .withNewSource().withComponent("stratoflow-operator").endSource()
                .build();
        Event known = remembered;
        if (known == null) {
            try { // the first of its kind, usually: no read before
                remember(key, events.resource(fresh).create());
                return;
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409) {
                    throw e;
                }
                known = events.withName(name).get();
            }
        }
        if (known != null && sameRun(known, run)) {
            known.setCount(known.getCount() == null ? 2 : known.getCount() + 1);
            known.setLastTimestamp(now);
            known.setMessage(text);
            known.setType(type);
            remember(key, events.resource(known).update());
            return;
        }
        if (known != null) { // left by an earlier Run of the same name: start it over
            fresh.getMetadata().setResourceVersion(known.getMetadata().getResourceVersion());
            remember(key, events.resource(fresh).update());
        } else {
            remember(key, events.resource(fresh).create());
        }
    }

    /** An Event of an earlier Run of the same name (deleted and created again) is not counted on. */
    private static boolean sameRun(Event event, Run run) {
        String uid = run.getMetadata().getUid();
        return uid == null || uid.equals(event.getInvolvedObject().getUid());
    }

    private static void remember(String key, Event event) {
        if (WRITTEN.size() >= MAX_REMEMBERED) {
            WRITTEN.clear();
        }
        WRITTEN.put(key, event);
    }
}
