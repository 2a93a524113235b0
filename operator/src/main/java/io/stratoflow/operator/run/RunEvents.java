package io.stratoflow.operator.run;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.stratoflow.model.Run;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.UUID;

/** Kubernetes Events on a Run, for what a person should notice. */
final class RunEvents {

    private static final Logger LOG = Logger.getLogger(RunEvents.class);

    private RunEvents() {
    }

    static void normal(KubernetesClient client, Run run, String reason, String message) {
        post(client, run, "Normal", reason, message);
    }

    static void warning(KubernetesClient client, Run run, String reason, String message) {
        post(client, run, "Warning", reason, message);
    }

    private static void post(KubernetesClient client, Run run, String type, String reason, String message) {
        String now = Instant.now().toString();
        try {
            client.v1().events().inNamespace(run.getMetadata().getNamespace()).resource(new EventBuilder()
                    .withNewMetadata()
                        .withName(run.getMetadata().getName() + "." + UUID.randomUUID().toString().substring(0, 13))
                        .withNamespace(run.getMetadata().getNamespace())
                    .endMetadata()
                    .withNewInvolvedObject()
                        .withApiVersion(run.getApiVersion()).withKind(run.getKind())
                        .withName(run.getMetadata().getName()).withNamespace(run.getMetadata().getNamespace())
                        .withUid(run.getMetadata().getUid())
                    .endInvolvedObject()
                    .withType(type).withReason(reason)
                    .withMessage(message.length() > 1000 ? message.substring(0, 1000) + "…" : message)
                    .withFirstTimestamp(now).withLastTimestamp(now).withCount(1)
                    .withNewSource().withComponent("stratoflow-operator").endSource()
                    .build()).create();
        } catch (KubernetesClientException e) {
            LOG.debugf("Could not record event %s on run %s: %s", reason, run.getMetadata().getName(), e.getMessage());
        }
    }
}
