package io.stratoflow.e2e.support;

import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.stratoflow.datastore.Datastore;
import io.stratoflow.datastore.DatastoreLocation;
import io.stratoflow.datastore.s3.S3TestServer;
import io.stratoflow.model.ComputePool;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Starts, once for the whole test run, the control plane, installs the Helm chart (CRDs, RBAC,
 * service accounts, default pool) and runs the operator as the chart's service account. Stops
 * everything when the run ends.
 */
public final class StratoflowCluster implements BeforeAllCallback, ExtensionContext.Store.CloseableResource {

    public static final String RELEASE = "stratoflow";
    public static final String OPERATOR_NAMESPACE = "stratoflow-system";
    public static final String OPERATOR_SERVICE_ACCOUNT = "stratoflow-operator";

    private static StratoflowCluster running;

    private final Path project = ControlPlane.projectDir();
    /** The Secret, in every test namespace, whose keys give SDK task Pods their datastore credentials. */
    public static final String DATASTORE_SECRET = "stratoflow-datastore";
    public static final String POD_SECURITY_ENFORCE = "pod-security.kubernetes.io/enforce";

    private ControlPlane controlPlane;
    private KubernetesClient admin;
    private OperatorProcess operator;
    private Map<String, String> operatorEnvironment;
    private Path operatorKubeconfig;
    private S3TestServer s3;
    private Datastore datastore;

    @Override
    public void beforeAll(ExtensionContext context) {
        synchronized (StratoflowCluster.class) {
            if (running == null) {
                start();
                running = this;
                context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL).put(StratoflowCluster.class, this);
            }
        }
    }

    /** Starts the whole stack outside JUnit (for a benchmark); {@link #close()} stops it. */
    public static synchronized StratoflowCluster startStandalone() {
        if (running == null) {
            StratoflowCluster cluster = new StratoflowCluster();
            cluster.start();
            running = cluster;
        }
        return running;
    }

    public static KubernetesClient client() {
        return running().admin;
    }

    public static OperatorProcess operator() {
        return running().operator;
    }

    /**
     * Another operator replica with the suite operator's settings, electing the leader through the same Lease under
     * an identity of its own, as each Pod of the chart's Deployment does with its name. Not started.
     */
    public static OperatorProcess replica(String identity) {
        return replica(identity, Map.of());
    }

    /** A replica with some settings of its own, e.g. STRATOFLOW_LEADER_ELECTION_ENABLED=false for a single replica. */
    public static OperatorProcess replica(String identity, Map<String, String> settings) {
        StratoflowCluster cluster = running();
        Map<String, String> environment = new java.util.HashMap<>(cluster.operatorEnvironment);
        environment.put("HOSTNAME", identity);
        environment.putAll(settings);
        return new OperatorProcess(cluster.project, cluster.operatorKubeconfig, environment,
                cluster.project.resolve("src/test/target/e2e-logs").resolve(identity));
    }

    public static Path project() {
        return running().project;
    }

    /** The suite's control plane, for tests that stop and start its parts. */
    public static ControlPlane controlPlane() {
        return running().controlPlane;
    }

    public static Path adminKubeconfig() {
        return running().controlPlane.kubeconfig();
    }

    /** The S3 server every SDK task of the suite keeps its artifacts, logs and code packages in. */
    public static S3TestServer s3() {
        return running().s3;
    }

    /** The operator's default datastore, as the test sees it. */
    public static Datastore datastore() {
        return running().datastore;
    }

    private static StratoflowCluster running() {
        if (running == null) {
            throw new IllegalStateException("annotate the test class with @ExtendWith(StratoflowCluster.class)");
        }
        return running;
    }

    private void start() {
        controlPlane = new ControlPlane(project);
        controlPlane.start();
        // where the executing node's Pods reach it, as they would reach S3 from a cloud cluster
        s3 = S3TestServer.start(null, controlPlane.hostAddress());
        DatastoreLocation location = s3.location("e2e");
        datastore = Datastore.open(location, s3.settings());
        admin = install(project, controlPlane);
        executingPool(admin);
        Map<String, String> environment = new java.util.HashMap<>(Map.of(
                "POD_NAMESPACE", OPERATOR_NAMESPACE,
                "STRATOFLOW_OPERATOR_UNSCHEDULABLE_GRACE_PERIOD", "PT10S",
                "STRATOFLOW_OPERATOR_POD_CREATES_PER_SECOND", "500",
                "STRATOFLOW_OPERATOR_DATASTORE_ROOT", location.root(),
                "STRATOFLOW_OPERATOR_DATASTORE_ENDPOINT", location.endpoint(),
                "STRATOFLOW_OPERATOR_DATASTORE_PATH_STYLE", "true",
                "STRATOFLOW_OPERATOR_DATASTORE_SECRET", DATASTORE_SECRET,
                // the suite's tests read finished Pods back (their nodes, their attempts); the dev stack's operator and
                // the scale benchmark delete them, as the chart does by default
                "STRATOFLOW_OPERATOR_DELETE_SUCCEEDED_PODS", "false"));
        environment.putAll(credentials());
        operatorEnvironment = Map.copyOf(environment);
        operatorKubeconfig = serviceAccountKubeconfig(project, admin, "operator.kubeconfig");
        operator = new OperatorProcess(project, operatorKubeconfig, environment, project.resolve("src/test/target/e2e-logs"));
        operator.start();
    }

    /** The datastore credentials, as AWS's standard environment variables. */
    static Map<String, String> credentials() {
        return Map.of("AWS_ACCESS_KEY_ID", S3TestServer.ACCESS_KEY, "AWS_SECRET_ACCESS_KEY", S3TestServer.SECRET_KEY,
                "AWS_REGION", "us-east-1");
    }

    /**
     * The pool of the executing node (dev/cluster's real node: labelled type=exec, tainted so that only Pods
     * tolerating it land there), where SDK steps really run.
     */
    private static void executingPool(KubernetesClient admin) {
        ComputePool pool = new ComputePool();
        pool.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName(ClusterFlows.EXEC_POOL).build());
        pool.setSpec(new io.stratoflow.model.ComputePoolSpec());
        pool.getSpec().nodeSelector = new java.util.LinkedHashMap<>(Map.of("type", "exec"));
        pool.getSpec().tolerations = java.util.List.of(new io.fabric8.kubernetes.api.model.TolerationBuilder()
                .withKey("stratoflow.io/exec").withOperator("Exists").withEffect("NoSchedule").build());
        pool.getSpec().maxTaskResources = new io.stratoflow.model.PoolResources("8", "16Gi", null);
        admin.resource(pool).serverSideApply();
    }

    /** Installs the chart into a started control plane and returns an admin client. */
    public static KubernetesClient install(Path project, ControlPlane controlPlane) {
        KubernetesClient admin = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(read(controlPlane.kubeconfig()))).build();
        new Helm(project.resolve("helm/stratoflow")).install()
                .withKubeConfig(controlPlane.kubeconfig())
                .withName(RELEASE)
                .withNamespace(OPERATOR_NAMESPACE)
                .createNamespace()
                // The operator runs beside the cluster (a test can kill it); the chart supplies everything else.
                .set("replicas", "0")
                .call();
        return admin;
    }

    /** A kubeconfig that authenticates as the chart's operator service account, with a bound token. */
    public static Path serviceAccountKubeconfig(Path project, KubernetesClient admin, String fileName) {
        TokenRequest request = admin.serviceAccounts().inNamespace(OPERATOR_NAMESPACE).withName(OPERATOR_SERVICE_ACCOUNT)
                .tokenRequest(new TokenRequestBuilder().withNewSpec().withExpirationSeconds(6 * 3600L).endSpec().build());
        Config config = admin.getConfiguration();
        String kubeconfig = """
                apiVersion: v1
                kind: Config
                clusters:
                - name: e2e
                  cluster:
                    server: %s
                    %s
                users:
                - name: operator
                  user:
                    token: %s
                contexts:
                - name: operator
                  context: {cluster: e2e, user: operator, namespace: %s}
                current-context: operator
                """.formatted(config.getMasterUrl(), config.getCaCertData() != null
                ? "certificate-authority-data: " + config.getCaCertData() : "certificate-authority: " + config.getCaCertFile(), request.getStatus().getToken(), OPERATOR_NAMESPACE);
        try {
            Path file = project.resolve("src/test/target").resolve(fileName);
            Files.createDirectories(file.getParent());
            Files.writeString(file, kubeconfig);
            return file;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static void createNamespace(String name) {
        createNamespace(name, client());
    }

    /** A namespace that admits only Pods meeting Pod Security {@code restricted}, as a platform team sets it, with the datastore's Secret. */
    public static void createNamespace(String name, KubernetesClient client) {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name)
                .addToLabels(POD_SECURITY_ENFORCE, "restricted").endMetadata().build()).serverSideApply();
        client.secrets().inNamespace(name).resource(new io.fabric8.kubernetes.api.model.SecretBuilder()
                .withNewMetadata().withName(DATASTORE_SECRET).withNamespace(name).endMetadata()
                .withStringData(credentials()).build()).serverSideApply();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read " + file, e);
        }
    }

    @Override
    public void close() {
        if (operator != null) {
            operator.kill();
        }
        if (admin != null) {
            admin.close();
        }
        if (controlPlane != null && !Boolean.getBoolean("stratoflow.e2e.keepCluster")) {
            controlPlane.stop();
        }
        if (datastore != null) {
            datastore.close();
        }
        if (s3 != null) {
            s3.close();
        }
    }
}
