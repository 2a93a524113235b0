package io.stratoflow.cluster;

import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.stratoflow.datastore.Datastore;
import io.stratoflow.definition.FlowDefinition;
import io.stratoflow.export.FlowExporter;
import io.stratoflow.export.KubernetesDecorator;
import io.stratoflow.model.Flow;
import io.stratoflow.model.ResumeSpec;
import io.stratoflow.model.Run;
import io.stratoflow.model.TaskPodKeys;
import io.stratoflow.task.code.CodePackager;
import io.stratoflow.task.code.StoredPackage;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;

/**
 * Sends a flow to the cluster: checks that Stratoflow is installed there, stores the flow's code package in the
 * cluster's datastore, applies the Flow and creates a Run of it, labelled with who submitted it.
 */
public final class ClusterSubmitter {

    private static final DateTimeFormatter RUN_TIME = DateTimeFormatter.ofPattern("MMdd-HHmmss", Locale.ROOT);

    private final ClusterConnection cluster;
    private final PrintStream err;

    public ClusterSubmitter(ClusterConnection cluster, PrintStream err) {
        this.cluster = cluster;
        this.err = err;
    }

    /** Fails with what to do when the API server is unreachable or the CRDs are missing. */
    public void checkInstalled() {
        try {
            cluster.client().resources(Flow.class).inNamespace(cluster.namespace()).list(new ListOptionsBuilder().withLimit(1L).build());
        } catch (KubernetesClientException e) {
            throw describe(e);
        }
    }

    public Run submit(FlowDefinition definition, Datastore datastore, Map<String, Object> parameters, KubernetesDecorator decorator,
                      int maxWorkers, int maxNumSplits, String user, ResumeSpec resume, String runName, boolean mixed) {
        Flow flow = FlowExporter.flow(definition, null, null);
        flow.getSpec().runner.codePackage = uploadCodePackage(datastore);
        FlowExporter.place(flow, definition, decorator);
        if (mixed) {
            FlowExporter.runOthersHere(flow, definition);
        }
        Run run = FlowExporter.run(definition, runName != null ? runName : runName(definition), parameters, decorator.resources(), maxWorkers, maxNumSplits);
        run.getMetadata().getLabels().put(TaskPodKeys.USER_LABEL, labelValue(user));
        run.getSpec().resume = resume;
        try {
            cluster.client().resource(flow).inNamespace(cluster.namespace()).forceConflicts().serverSideApply();
            return cluster.client().resource(run).inNamespace(cluster.namespace()).create();
        } catch (KubernetesClientException e) {
            throw describe(e);
        }
    }

    private String uploadCodePackage(Datastore datastore) {
        try {
            StoredPackage stored = CodePackager.forCurrentClasspath().store(datastore.content());
            err.println(stored.summary());
            return stored.id();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot store the flow's code package in " + datastore.location().describe() + ": "
                    + e.getMessage(), e);
        }
    }

    private static String runName(FlowDefinition definition) {
        String suffix = Integer.toString(new SecureRandom().nextInt(36 * 36), 36);
        return FlowExporter.resourceName(definition.name()) + "-" + LocalDateTime.now().format(RUN_TIME) + "-" + suffix;
    }

    /** A label value from a user name: letters, digits, '-', '_' and '.', at most 63, starting and ending alphanumeric. */
    public static String labelValue(String user) {
        String value = user.replaceAll("[^A-Za-z0-9._-]", "-").replaceAll("^[^A-Za-z0-9]+|[^A-Za-z0-9]+$", "");
        return value.length() > 63 ? value.substring(0, 63).replaceAll("[^A-Za-z0-9]+$", "") : value;
    }

    private ClusterException describe(KubernetesClientException e) {
        String where = "namespace '" + cluster.namespace() + "' of " + cluster.server();
        if (e.getCode() <= 0 && hasCause(e, java.io.IOException.class)) {
            return new ClusterException("Cannot reach the Kubernetes API server at " + cluster.server() + " ("
                    + rootMessage(e) + "). Is the cluster up and your kube context the right one?", e);
        }
        return switch (e.getCode()) {
            case 404 -> new ClusterException("Stratoflow is not installed in the cluster at " + cluster.server()
                    + ": its resource types (flows.stratoflow.io) are unknown there. Install it with "
                    + "'helm install stratoflow helm/stratoflow -n stratoflow-system --create-namespace' "
                    + "(or 'kubectl apply --server-side -f crds/').", e);
            case 401, 403 -> new ClusterException("Not allowed to use Flows and Runs in " + where + ": " + e.getStatus().getMessage()
                    + ". Ask your cluster's admin for the edit role there, or choose another namespace with --namespace.", e);
            default -> new ClusterException("The API server refused the request in " + where + ": " + e.getMessage(), e);
        };
    }

    private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (type.isInstance(cause)) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
    }
}
