package io.stratoflow.operator.helm;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.stratoflow.model.ComputePool;
import io.stratoflow.model.ComputePoolSpec;
import io.stratoflow.operator.config.LeaderElection;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

/**
 * The Helm chart in helm/stratoflow: lint, rendering, the operator's Deployment, least-privilege
 * RBAC, values.schema.json, the default ComputePool and the CRD copies. Plain JUnit: no Quarkus,
 * no cluster.
 */
class HelmChartTest {

    /** The operator's ClusterRole, ClusterRoleBinding, Deployment and ServiceAccount. */
    private static final String OPERATOR = "stratoflow-operator";
    private static final String LEASE_ROLE = "stratoflow-operator-leader-election";
    /** The ConfigMap the flow CLI reads, and the Role (and RoleBinding) that lets every user read it. */
    private static final String CLUSTER_CONFIG = "stratoflow-cluster";
    private static final String CLUSTER_CONFIG_READER = "stratoflow-cluster-config-reader";
    /** ClusterRoles aggregated into admin and edit, and into view. */
    private static final String USERS_EDIT = "stratoflow-edit";
    private static final String USERS_VIEW = "stratoflow-view";
    /** ClusterRole (and ClusterRoleBinding) letting every user read ComputePools. */
    private static final String POOL_READER = "stratoflow-computepool-reader";
    private static final String ALL_USERS = "system:authenticated";
    private static final String AGGREGATE_TO = "rbac.authorization.k8s.io/aggregate-to-";

    private static HelmChart chart;
    private static List<HasMetadata> defaults;

    @TempDir
    Path work;

    @BeforeAll
    static void renderDefaults(@TempDir Path dir) {
        chart = new HelmChart();
        defaults = chart.render(dir, null);
    }

    // --- lint -------------------------------------------------------------------------------

    @Test
    void lintPassesInStrictMode() {
        LintResult lint = chart.lint();
        assertThat(lint.isFailed()).as("helm lint --strict: %s", lint.getMessages()).isFalse();
        assertThat(lint.getMessages()).as("only informational messages").allMatch(m -> m.startsWith("[INFO]"));
    }

    // --- the operator Deployment ------------------------------------------------------------

    @Test
    void deploymentRunsTheOperatorImageWithProbesOnPort8080() {
        Deployment deployment = HelmChart.one(defaults, Deployment.class);
        assertThat(deployment.getMetadata().getNamespace()).isEqualTo(HelmChart.NAMESPACE);
        assertThat(deployment.getSpec().getReplicas()).isEqualTo(1);
        Container operator = operatorContainer(deployment);
        assertThat(operator.getImage()).isEqualTo("stratoflow/operator:0.1.0");
        assertThat(operator.getImagePullPolicy()).isEqualTo("IfNotPresent");
        // The image's entrypoint (java -jar /deployments/quarkus-run.jar) runs as is.
        assertThat(operator.getCommand()).isEmpty();
        assertThat(operator.getArgs()).isEmpty();
        assertThat(operator.getPorts()).extracting(port -> port.getName() + ":" + port.getContainerPort())
                .containsExactly("http:8080", "web:8081");

        assertHttpProbe(operator.getLivenessProbe(), "/q/health/live");
        assertHttpProbe(operator.getReadinessProbe(), "/q/health/ready");
        assertHttpProbe(operator.getStartupProbe(), "/q/health/started");

        assertThat(operator.getResources().getRequests()).containsOnly(
                entry("cpu", new Quantity("250m")), entry("memory", new Quantity("512Mi")));
        assertThat(operator.getResources().getLimits()).containsOnly(entry("memory", new Quantity("1Gi")));
        assertThat(deployment.getSpec().getTemplate().getSpec().getServiceAccountName()).isEqualTo("stratoflow-operator");
    }

    @Test
    void deploymentIsLockedDown() {
        Deployment deployment = HelmChart.one(defaults, Deployment.class);
        PodSpec pod = deployment.getSpec().getTemplate().getSpec();
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");

        Container operator = operatorContainer(deployment);
        var security = operator.getSecurityContext();
        assertThat(security.getRunAsNonRoot()).isTrue();
        assertThat(security.getReadOnlyRootFilesystem()).isTrue();
        assertThat(security.getAllowPrivilegeEscalation()).isFalse();
        assertThat(security.getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(security.getCapabilities().getAdd()).isEmpty();
        assertThat(security.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        assertThat(security.getPrivileged()).isNotEqualTo(Boolean.TRUE);

        // A writable /tmp on the read-only root filesystem.
        assertThat(operator.getVolumeMounts()).anySatisfy(mount -> {
            assertThat(mount.getMountPath()).isEqualTo("/tmp");
            assertThat(pod.getVolumes()).anySatisfy(volume -> {
                assertThat(volume.getName()).isEqualTo(mount.getName());
                assertThat(volume.getEmptyDir()).isNotNull();
            });
        });
    }

    @Test
    void deploymentConfiguresTheOperatorThroughItsEnvironment() {
        Map<String, String> env = env(operatorContainer(HelmChart.one(defaults, Deployment.class)));
        assertThat(env).contains(
                entry("STRATOFLOW_WATCH_NAMESPACES", "JOSDK_ALL_NAMESPACES"),
                entry("STRATOFLOW_RECONCILE_THREADS", "10"),
                entry("STRATOFLOW_OPERATOR_POD_CREATES_PER_SECOND", "50"),
                entry("STRATOFLOW_OPERATOR_UNSCHEDULABLE_GRACE_PERIOD", "PT2M"),
                entry("STRATOFLOW_OPERATOR_DELETE_SUCCEEDED_PODS", "true"),
                entry("STRATOFLOW_OPERATOR_DEFAULT_IMAGE", "stratoflow/task-runner:0.1.0"),
                entry("STRATOFLOW_OPERATOR_TASK_SERVICE_ACCOUNT", "stratoflow-task"),
                entry("STRATOFLOW_LEADER_ELECTION_ENABLED", "true"),
                entry("STRATOFLOW_LEADER_ELECTION_LEASE_NAME", LeaderElection.DEFAULT_LEASE_NAME));
        EnvVar podNamespace = operatorContainer(HelmChart.one(defaults, Deployment.class)).getEnv().stream()
                .filter(e -> e.getName().equals("POD_NAMESPACE")).findFirst().orElseThrow();
        assertThat(podNamespace.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.namespace");
    }

    @Test
    void valuesReachTheEnvironment() {
        List<HasMetadata> objects = chart.render(work, """
                watchNamespaces: [a, b]
                reconcileThreads: 4
                podCreatesPerSecond: 12.5
                unschedulableGracePeriod: 90s
                deleteSucceededPods: false
                defaultTaskImage: registry.example/flows:1.2
                taskServiceAccount:
                  name: runner
                image:
                  repository: registry.example/stratoflow-operator
                  tag: 0.1.0-rc1
                  pullPolicy: Always
                """);
        Container operator = operatorContainer(HelmChart.one(objects, Deployment.class));
        assertThat(env(operator)).contains(
                entry("STRATOFLOW_WATCH_NAMESPACES", "a,b"),
                entry("STRATOFLOW_RECONCILE_THREADS", "4"),
                entry("STRATOFLOW_OPERATOR_POD_CREATES_PER_SECOND", "12.5"),
                entry("STRATOFLOW_OPERATOR_UNSCHEDULABLE_GRACE_PERIOD", "90s"),
                entry("STRATOFLOW_OPERATOR_DELETE_SUCCEEDED_PODS", "false"),
                entry("STRATOFLOW_OPERATOR_DEFAULT_IMAGE", "registry.example/flows:1.2"),
                entry("STRATOFLOW_OPERATOR_TASK_SERVICE_ACCOUNT", "runner"));
        assertThat(operator.getImage()).isEqualTo("registry.example/stratoflow-operator:0.1.0-rc1");
        assertThat(operator.getImagePullPolicy()).isEqualTo("Always");
        // A Pod can only use a ServiceAccount of its own namespace: one per namespace that holds Runs.
        assertThat(HelmChart.all(objects, ServiceAccount.class).stream()
                .filter(sa -> sa.getMetadata().getName().equals("runner"))
                .map(sa -> sa.getMetadata().getNamespace()))
                .containsExactlyInAnyOrder(HelmChart.NAMESPACE, "a", "b");
    }

    @Test
    void theDatastoreReachesTheOperatorAndItsCredentialsOnlyThroughASecret() {
        Container operator = operatorContainer(HelmChart.one(chart.render(work, """
                datastore:
                  root: s3://flows-bucket/stratoflow
                  endpoint: http://minio.storage:9000
                  region: eu-west-1
                  pathStyle: true
                  credentialsSecret: stratoflow-datastore
                """), Deployment.class));
        assertThat(env(operator)).contains(
                entry("STRATOFLOW_OPERATOR_DATASTORE_ROOT", "s3://flows-bucket/stratoflow"),
                entry("STRATOFLOW_OPERATOR_DATASTORE_ENDPOINT", "http://minio.storage:9000"),
                entry("STRATOFLOW_OPERATOR_DATASTORE_REGION", "eu-west-1"),
                entry("STRATOFLOW_OPERATOR_DATASTORE_PATH_STYLE", "true"),
                entry("STRATOFLOW_OPERATOR_DATASTORE_SECRET", "stratoflow-datastore"));
        assertThat(operator.getEnvFrom()).singleElement()
                .satisfies(from -> assertThat(from.getSecretRef().getName()).isEqualTo("stratoflow-datastore"));
        assertThat(env(operator).keySet()).noneMatch(name -> name.startsWith("AWS_"));

        Container withoutDatastore = operatorContainer(HelmChart.one(chart.render(work, ""), Deployment.class));
        assertThat(env(withoutDatastore)).doesNotContainKey("STRATOFLOW_OPERATOR_DATASTORE_ROOT");
        assertThat(withoutDatastore.getEnvFrom()).isEmpty();
        assertThatThrownBy(() -> chart.template(work, "datastore:\n  root: not-a-url\n")).hasMessageContaining("datastore");
    }

    @Test
    void twoReplicasElectALeader() {
        List<HasMetadata> objects = chart.render(work, "replicas: 2\n");
        Deployment deployment = HelmChart.one(objects, Deployment.class);
        assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
        assertThat(deployment.getSpec().getStrategy().getType()).isEqualTo("RollingUpdate");
        assertThat(env(operatorContainer(deployment))).containsEntry("STRATOFLOW_LEADER_ELECTION_ENABLED", "true");
        assertThat(HelmChart.named(objects, Role.class, LEASE_ROLE)).isPresent();

        assertThatThrownBy(() -> chart.template(work, "replicas: 2\nleaderElection:\n  enabled: false\n  leaseName: x\n"))
                .hasMessageContaining("replicas > 1 needs leaderElection.enabled=true");
    }

    @Test
    void withoutLeaderElectionTheOperatorNeverOverlapsAndGetsNoLeaseRole() {
        List<HasMetadata> objects = chart.render(work, "leaderElection:\n  enabled: false\n  leaseName: stratoflow-operator\n");
        Deployment deployment = HelmChart.one(objects, Deployment.class);
        assertThat(deployment.getSpec().getStrategy().getType()).isEqualTo("Recreate");
        assertThat(env(operatorContainer(deployment))).containsEntry("STRATOFLOW_LEADER_ELECTION_ENABLED", "false");
        // The only namespaced role left is the one that lets users read the cluster's settings.
        assertThat(HelmChart.all(objects, Role.class)).extracting(r -> r.getMetadata().getName())
                .containsExactly(CLUSTER_CONFIG_READER);
        assertThat(HelmChart.all(objects, RoleBinding.class)).extracting(b -> b.getMetadata().getName())
                .containsExactly(CLUSTER_CONFIG_READER);
    }

    // --- service accounts -------------------------------------------------------------------

    @Test
    void taskPodsGetAServiceAccountWithoutAToken() {
        ServiceAccount task = HelmChart.named(defaults, ServiceAccount.class, "stratoflow-task").orElseThrow();
        assertThat(task.getMetadata().getNamespace()).isEqualTo(HelmChart.NAMESPACE);
        assertThat(task.getAutomountServiceAccountToken()).isFalse();
        ServiceAccount operator = HelmChart.named(defaults, ServiceAccount.class, "stratoflow-operator").orElseThrow();
        assertThat(operator.getMetadata().getNamespace()).isEqualTo(HelmChart.NAMESPACE);
        // Nothing binds a role to the task identity: the only ServiceAccount bound is the operator's
        // (the other subjects are the Group of all users, for the cluster's settings and ComputePools).
        List<Subject> subjects = Stream.concat(
                        HelmChart.all(defaults, ClusterRoleBinding.class).stream().flatMap(b -> b.getSubjects().stream()),
                        HelmChart.all(defaults, RoleBinding.class).stream().flatMap(b -> b.getSubjects().stream()))
                .toList();
        assertThat(subjects).isNotEmpty().allSatisfy(subject -> {
            assertThat(subject.getName()).isNotEqualTo("stratoflow-task");
            if (subject.getKind().equals("ServiceAccount")) {
                assertThat(subject.getName()).isEqualTo(OPERATOR);
            } else {
                assertThat(subject.getKind()).isEqualTo("Group");
                assertThat(subject.getName()).isEqualTo(ALL_USERS);
            }
        });
    }

    @Test
    void anEmptyTaskServiceAccountMeansTheNamespacesDefault() {
        List<HasMetadata> objects = chart.render(work, "taskServiceAccount:\n  create: true\n  name: \"\"\n");
        assertThat(HelmChart.all(objects, ServiceAccount.class)).extracting(sa -> sa.getMetadata().getName())
                .containsExactly("stratoflow-operator");
        // An empty value is an absent Optional for the operator's settings.
        assertThat(env(operatorContainer(HelmChart.one(objects, Deployment.class))))
                .containsEntry("STRATOFLOW_OPERATOR_TASK_SERVICE_ACCOUNT", "");
    }

    // --- leader election --------------------------------------------------------------------

    @Test
    void leaderElectionExitsFromItsOwnThreadNotFromTheShutdownHook() {
        LeaderElectionConfiguration configuration = LeaderElection.configuration(true, "lease", "ns");
        assertThat(configuration.getLeaseName()).isEqualTo("lease");
        assertThat(configuration.getLeaseNamespace()).contains("ns");
        // The SDK's own exit would call System.exit inside Quarkus' shutdown hook on SIGTERM and hang.
        assertThat(configuration.isExitOnStopLeading()).isFalse();
        assertThat(configuration.getLeaderCallbacks()).isPresent();
        assertThat(LeaderElection.configuration(true, "lease", null).getLeaseNamespace()).isEmpty();
        assertThat(LeaderElection.configuration(false, "lease", "ns")).isNull();
    }

    // --- NOTES.txt --------------------------------------------------------------------------

    @Test
    void notesTellHowToRunTheFirstFlow() {
        String output = new com.marcnuri.helm.Helm(chart.chart).install()
                .withName(HelmChart.RELEASE).withNamespace(HelmChart.NAMESPACE).withKubeVersion(HelmChart.KUBE_VERSION)
                .clientOnly().dryRun().call().getOutput();
        assertThat(output).contains("NOTES:")
                .contains("kubectl -n stratoflow-system rollout status deployment/stratoflow-operator")
                .contains("export --datastore")
                .contains("| kubectl apply -n stratoflow-system -f -")
                .contains("kubectl get runs -n stratoflow-system")
                .contains("ComputePool \"default\" (largest task: cpu=8, memory=32Gi)")
                .contains("stratoflow-cluster in namespace stratoflow-system, which every authenticated user may read");
    }

    // --- RBAC -------------------------------------------------------------------------------

    /** Verbs per "group/resource" ("" is the core group), the operator's complete cluster-wide permissions. */
    private static final Map<String, Set<String>> EXPECTED_CLUSTER_VERBS = Map.ofEntries(
            Map.entry("stratoflow.io/flows", Set.of("get", "list", "watch")),
            Map.entry("stratoflow.io/runs", Set.of("get", "list", "watch")),
            Map.entry("stratoflow.io/computepools", Set.of("get", "list", "watch")),
            Map.entry("stratoflow.io/flows/status", Set.of("patch")),
            // a Run's status is replaced with optimistic locking (RunStatusWriter); the SDK patches it after a failed pass
            Map.entry("stratoflow.io/runs/status", Set.of("patch", "update")),
            Map.entry("stratoflow.io/computepools/status", Set.of("patch")),
            Map.entry("stratoflow.io/runs/finalizers", Set.of("update")),
            Map.entry("/pods", Set.of("get", "list", "watch", "create", "delete")),
            Map.entry("/events", Set.of("create", "get", "update")),
            Map.entry("/nodes", Set.of("get", "list", "watch")),
            // a ComputePool's status shows the Karpenter NodePool behind it
            Map.entry("karpenter.sh/nodepools", Set.of("get")),
            Map.entry("apiextensions.k8s.io/customresourcedefinitions", Set.of("get")),
            // the web view: who a bearer token is, and whether they may get Runs in a namespace
            Map.entry("authentication.k8s.io/tokenreviews", Set.of("create")),
            Map.entry("authorization.k8s.io/subjectaccessreviews", Set.of("create")));

    @Test
    void clusterRoleGrantsExactlyWhatTheReconcilersUse() {
        ClusterRole role = operatorClusterRole();
        assertThat(verbsByResource(role.getRules())).isEqualTo(new TreeMap<>(EXPECTED_CLUSTER_VERBS));
    }

    @Test
    void anAnonymousWebViewOrNoneAsksKubernetesNothing() {
        for (String values : List.of("web:\n  anonymous: true\n", "web:\n  enabled: false\n")) {
            ClusterRole role = HelmChart.named(chart.render(work, values), ClusterRole.class, OPERATOR).orElseThrow();
            assertThat(verbsByResource(role.getRules())).as(values).doesNotContainKeys("authentication.k8s.io/tokenreviews",
                    "authorization.k8s.io/subjectaccessreviews");
        }
    }

    @Test
    void theWebViewIsBehindTheServiceAndOptionallyAnIngress() {
        Service service = HelmChart.one(defaults, Service.class);
        assertThat(service.getSpec().getPorts()).extracting(port -> port.getName() + ":" + port.getPort())
                .containsExactly("http:8080", "web:8081");
        assertThat(HelmChart.all(defaults, Ingress.class)).isEmpty();
        Ingress ingress = HelmChart.one(chart.render(work, "web:\n  ingress:\n    enabled: true\n    host: flows.example.com\n"
                + "    className: nginx\n"), Ingress.class);
        assertThat(ingress.getSpec().getIngressClassName()).isEqualTo("nginx");
        assertThat(ingress.getSpec().getRules().get(0).getHost()).isEqualTo("flows.example.com");
        assertThat(ingress.getSpec().getRules().get(0).getHttp().getPaths().get(0).getBackend().getService().getPort().getName())
                .isEqualTo("web");
        Container operator = operatorContainer(HelmChart.one(chart.render(work, "web:\n  enabled: false\n"), Deployment.class));
        assertThat(operator.getEnv()).anyMatch(env -> env.getName().equals("STRATOFLOW_WEB_PORT") && env.getValue().equals("-1"));
    }

    @Test
    void noRoleHasAWildcardAnywhere() {
        List<HasMetadata> roles = Stream.concat(HelmChart.all(defaults, ClusterRole.class).stream(),
                HelmChart.all(defaults, Role.class).stream()).map(HasMetadata.class::cast).toList();
        assertThat(roles).extracting(r -> r.getMetadata().getName()).containsExactlyInAnyOrder(
                OPERATOR, USERS_EDIT, USERS_VIEW, POOL_READER, LEASE_ROLE, CLUSTER_CONFIG_READER);
        for (HasMetadata role : roles) {
            List<PolicyRule> rules = role instanceof ClusterRole c ? c.getRules() : ((Role) role).getRules();
            assertThat(rules).as("%s", role.getMetadata().getName()).isNotEmpty();
            for (PolicyRule rule : rules) {
                assertThat(Stream.of(rule.getApiGroups(), rule.getResources(), rule.getVerbs(), rule.getResourceNames(), rule.getNonResourceURLs())
                        .flatMap(List::stream))
                        .as("rule %s of %s", rule, role.getMetadata().getName())
                        .noneMatch(value -> value.contains("*"));
                assertThat(rule.getNonResourceURLs()).isEmpty();
            }
            assertThat(chart.serialization.asYaml(role)).doesNotContain("*");
        }
        // None aggregates others: each grants exactly the rules it lists.
        assertThat(HelmChart.all(defaults, ClusterRole.class)).allSatisfy(role -> assertThat(role.getAggregationRule()).isNull());
    }

    @Test
    void clusterRoleReadsOnlyTheStratoflowCrds() throws IOException {
        ClusterRole role = operatorClusterRole();
        PolicyRule crdRule = role.getRules().stream()
                .filter(rule -> rule.getResources().contains("customresourcedefinitions")).findFirst().orElseThrow();
        Set<String> crdNames = new TreeSet<>();
        try (Stream<Path> files = Files.list(chart.repository.resolve("crds"))) {
            for (Path file : files.toList()) {
                crdNames.add(chart.serialization.unmarshal(Files.readString(file), CustomResourceDefinition.class).getMetadata().getName());
            }
        }
        assertThat(new TreeSet<>(crdRule.getResourceNames())).isEqualTo(crdNames);
    }

    @Test
    void everyRbacRuleIsJustifiedByAComment() throws IOException {
        Set<String> withRules = new TreeSet<>();
        try (Stream<Path> files = Files.list(chart.chart.resolve("templates"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).toList()) {
                List<String> lines = Files.readAllLines(file);
                for (int i = 0; i < lines.size(); i++) {
                    if (lines.get(i).strip().startsWith("- apiGroups:")) {
                        withRules.add(file.getFileName().toString());
                        assertThat(lines.get(i - 1).strip())
                                .as("line %d of %s: a rule needs a comment saying why", i + 1, file.getFileName())
                                .startsWith("#");
                    }
                }
            }
        }
        assertThat(withRules).containsExactlyInAnyOrder("rbac.yaml", "cluster-config.yaml", "user-rbac.yaml");
    }

    @Test
    void clusterRoleBindingNamesTheReleaseNamespace() {
        ClusterRoleBinding binding = HelmChart.named(defaults, ClusterRoleBinding.class, OPERATOR).orElseThrow();
        assertThat(binding.getRoleRef().getKind()).isEqualTo("ClusterRole");
        assertThat(binding.getRoleRef().getName()).isEqualTo(operatorClusterRole().getMetadata().getName());
        assertThat(binding.getSubjects()).singleElement().satisfies(subject -> {
            assertThat(subject.getKind()).isEqualTo("ServiceAccount");
            assertThat(subject.getName()).isEqualTo("stratoflow-operator");
            assertThat(subject.getNamespace()).isEqualTo(HelmChart.NAMESPACE);
        });
    }

    @Test
    void leaseRoleIsNamespacedAndLimitedToTheOperatorsLease() {
        Role role = HelmChart.named(defaults, Role.class, LEASE_ROLE).orElseThrow();
        assertThat(role.getMetadata().getNamespace()).isEqualTo(HelmChart.NAMESPACE);
        // get/create/update: what the operator SDK checks for at start; patch: how fabric8 7 renews.
        assertThat(verbsByResource(role.getRules())).containsOnly(
                entry("coordination.k8s.io/leases", new TreeSet<>(Set.of("create", "get", "update", "patch"))));
        // create cannot be limited by name; the other verbs are limited to the operator's Lease.
        for (PolicyRule rule : role.getRules()) {
            if (rule.getVerbs().equals(List.of("create"))) {
                assertThat(rule.getResourceNames()).isEmpty();
            } else {
                assertThat(rule.getResourceNames()).containsExactly(LeaderElection.DEFAULT_LEASE_NAME);
            }
        }
        RoleBinding binding = HelmChart.named(defaults, RoleBinding.class, LEASE_ROLE).orElseThrow();
        assertThat(binding.getMetadata().getNamespace()).isEqualTo(HelmChart.NAMESPACE);
        assertThat(binding.getRoleRef().getName()).isEqualTo(role.getMetadata().getName());
        assertThat(binding.getSubjects()).singleElement().satisfies(subject -> {
            assertThat(subject.getName()).isEqualTo("stratoflow-operator");
            assertThat(subject.getNamespace()).isEqualTo(HelmChart.NAMESPACE);
        });
    }

    // --- the cluster's settings, for the flow CLI ---------------------------------------------

    @Test
    void clusterConfigMapPublishesTheDatastoreAndTaskImageForTheCli() {
        List<HasMetadata> objects = chart.render(work, """
                defaultTaskImage: registry.example/flows:1.2
                datastore:
                  root: s3://flows-bucket/stratoflow
                  endpoint: http://minio.storage:9000
                  region: eu-west-1
                  pathStyle: true
                  credentialsSecret: stratoflow-datastore
                """);
        ConfigMap config = clusterConfig(objects);
        assertThat(config.getMetadata().getNamespace()).isEqualTo(HelmChart.NAMESPACE);
        assertThat(config.getMetadata().getLabels())
                .containsEntry("app.kubernetes.io/instance", HelmChart.RELEASE)
                .containsEntry("app.kubernetes.io/component", "cluster-config");
        assertThat(config.getData()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "datastore.root", "s3://flows-bucket/stratoflow",
                "datastore.endpoint", "http://minio.storage:9000",
                "datastore.region", "eu-west-1",
                "datastore.pathStyle", "true",
                // The Secret's name, never its keys or their values.
                "datastore.credentialsSecret", "stratoflow-datastore",
                "defaultTaskImage", "registry.example/flows:1.2"));
        assertThat(config.getBinaryData()).isNullOrEmpty();
    }

    @Test
    void clusterConfigMapWritesUnsetValuesAsEmptyStrings() {
        assertThat(clusterConfig(defaults).getData()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "datastore.root", "",
                "datastore.endpoint", "",
                "datastore.region", "",
                "datastore.pathStyle", "false",
                "datastore.credentialsSecret", "",
                "defaultTaskImage", "stratoflow/task-runner:0.1.0"));
    }

    @Test
    void clusterConfigMapKeepsItsNameWhateverTheRelease() {
        String manifest = new com.marcnuri.helm.Helm(chart.chart).template()
                .withName("other").withNamespace("elsewhere").withKubeVersion(HelmChart.KUBE_VERSION).call();
        ConfigMap config = HelmChart.one(chart.parse(manifest), ConfigMap.class);
        assertThat(config.getMetadata().getName()).isEqualTo(CLUSTER_CONFIG);
        assertThat(config.getMetadata().getNamespace()).isEqualTo("elsewhere");
    }

    @Test
    void everyAuthenticatedUserMayGetTheClusterConfigMapAndNothingElseOfTheNamespace() {
        Role role = HelmChart.named(defaults, Role.class, CLUSTER_CONFIG_READER).orElseThrow();
        assertThat(role.getMetadata().getNamespace()).isEqualTo(HelmChart.NAMESPACE);
        assertThat(role.getRules()).singleElement().satisfies(rule -> {
            assertThat(rule.getApiGroups()).containsExactly("");
            assertThat(rule.getResources()).containsExactly("configmaps");
            assertThat(rule.getResourceNames()).containsExactly(CLUSTER_CONFIG);
            assertThat(rule.getVerbs()).containsExactly("get");
        });
        RoleBinding binding = HelmChart.named(defaults, RoleBinding.class, CLUSTER_CONFIG_READER).orElseThrow();
        assertThat(binding.getMetadata().getNamespace()).isEqualTo(HelmChart.NAMESPACE);
        assertThat(binding.getRoleRef().getKind()).isEqualTo("Role");
        assertThat(binding.getRoleRef().getName()).isEqualTo(CLUSTER_CONFIG_READER);
        assertAllUsers(binding.getSubjects());
    }

    @Test
    void theClusterConfigMapCanBeKeptFromUsers() {
        List<HasMetadata> objects = chart.render(work, "clusterConfig:\n  readableByAllUsers: false\n");
        assertThat(HelmChart.named(objects, Role.class, CLUSTER_CONFIG_READER)).isEmpty();
        assertThat(HelmChart.named(objects, RoleBinding.class, CLUSTER_CONFIG_READER)).isEmpty();
        assertThat(HelmChart.all(objects, RoleBinding.class).stream().flatMap(b -> b.getSubjects().stream()))
                .noneMatch(subject -> ALL_USERS.equals(subject.getName()));
        // The settings are still published, for whoever is granted them otherwise.
        assertThat(clusterConfig(objects).getData()).containsKey("datastore.root");
        // The lease Role is untouched.
        assertThat(HelmChart.named(objects, Role.class, LEASE_ROLE)).isPresent();
    }

    // --- users' rights ----------------------------------------------------------------------

    @Test
    void editAndAdminMayUseFlowsAndRunsThroughAggregation() {
        ClusterRole edit = HelmChart.named(defaults, ClusterRole.class, USERS_EDIT).orElseThrow();
        assertThat(aggregationLabels(edit)).containsOnly(
                entry(AGGREGATE_TO + "edit", "true"), entry(AGGREGATE_TO + "admin", "true"));
        Set<String> write = new TreeSet<>(Set.of("create", "get", "list", "watch", "update", "patch", "delete"));
        assertThat(verbsByResource(edit.getRules())).containsOnly(
                entry("stratoflow.io/flows", write), entry("stratoflow.io/runs", write));
        assertThat(edit.getRules()).allSatisfy(rule -> assertThat(rule.getResourceNames()).isEmpty());
    }

    @Test
    void viewMayReadFlowsAndRunsThroughAggregation() {
        ClusterRole view = HelmChart.named(defaults, ClusterRole.class, USERS_VIEW).orElseThrow();
        assertThat(aggregationLabels(view)).containsOnly(entry(AGGREGATE_TO + "view", "true"));
        Set<String> read = new TreeSet<>(Set.of("get", "list", "watch"));
        assertThat(verbsByResource(view.getRules())).containsOnly(
                entry("stratoflow.io/flows", read), entry("stratoflow.io/runs", read));
    }

    @Test
    void onlyTheUsersRolesAreAggregated() {
        // Aggregating the operator's ClusterRole would give every editor its rights on Pods and Nodes.
        assertThat(HelmChart.all(defaults, ClusterRole.class).stream().filter(role -> !aggregationLabels(role).isEmpty()))
                .extracting(role -> role.getMetadata().getName())
                .containsExactlyInAnyOrder(USERS_EDIT, USERS_VIEW);
        assertThat(HelmChart.all(defaults, Role.class)).allSatisfy(role -> assertThat(aggregationLabels(role)).isEmpty());
    }

    @Test
    void everyAuthenticatedUserMayReadComputePools() {
        ClusterRole role = HelmChart.named(defaults, ClusterRole.class, POOL_READER).orElseThrow();
        assertThat(verbsByResource(role.getRules())).containsOnly(
                entry("stratoflow.io/computepools", new TreeSet<>(Set.of("get", "list", "watch"))));
        ClusterRoleBinding binding = HelmChart.named(defaults, ClusterRoleBinding.class, POOL_READER).orElseThrow();
        assertThat(binding.getRoleRef().getKind()).isEqualTo("ClusterRole");
        assertThat(binding.getRoleRef().getName()).isEqualTo(POOL_READER);
        assertAllUsers(binding.getSubjects());
    }

    @Test
    void whatEveryAuthenticatedUserGetsInTotal() {
        Map<String, Set<String>> granted = new TreeMap<>();
        for (ClusterRoleBinding binding : HelmChart.all(defaults, ClusterRoleBinding.class)) {
            if (binding.getSubjects().stream().anyMatch(s -> ALL_USERS.equals(s.getName()))) {
                ClusterRole role = HelmChart.named(defaults, ClusterRole.class, binding.getRoleRef().getName()).orElseThrow();
                verbsByResource(role.getRules()).forEach((k, v) -> granted.computeIfAbsent("cluster " + k, x -> new TreeSet<>()).addAll(v));
            }
        }
        for (RoleBinding binding : HelmChart.all(defaults, RoleBinding.class)) {
            if (binding.getSubjects().stream().anyMatch(s -> ALL_USERS.equals(s.getName()))) {
                Role role = HelmChart.named(defaults, Role.class, binding.getRoleRef().getName()).orElseThrow();
                for (PolicyRule rule : role.getRules()) {
                    assertThat(rule.getResourceNames()).as("a rule for all users on %s is limited by name", rule.getResources()).isNotEmpty();
                    for (String name : rule.getResourceNames()) {
                        verbsByResource(List.of(rule)).forEach((k, v) ->
                                granted.computeIfAbsent(binding.getMetadata().getNamespace() + " " + k + "/" + name, x -> new TreeSet<>()).addAll(v));
                    }
                }
            }
        }
        assertThat(granted).containsOnly(
                entry("cluster stratoflow.io/computepools", new TreeSet<>(Set.of("get", "list", "watch"))),
                entry(HelmChart.NAMESPACE + " /configmaps/" + CLUSTER_CONFIG, new TreeSet<>(Set.of("get"))));
    }

    @Test
    void usersRolesCanBeLeftOut() {
        List<HasMetadata> objects = chart.render(work, "userRoles:\n  enabled: false\n");
        assertThat(HelmChart.all(objects, ClusterRole.class)).extracting(r -> r.getMetadata().getName()).containsExactly(OPERATOR);
        assertThat(HelmChart.all(objects, ClusterRoleBinding.class)).extracting(b -> b.getMetadata().getName()).containsExactly(OPERATOR);
        // The cluster's settings stay readable: a value of their own.
        assertThat(HelmChart.named(objects, RoleBinding.class, CLUSTER_CONFIG_READER)).isPresent();
        // And the defaults have them.
        assertThat(HelmChart.all(defaults, ClusterRole.class)).extracting(r -> r.getMetadata().getName())
                .containsExactlyInAnyOrder(OPERATOR, USERS_EDIT, USERS_VIEW, POOL_READER);
    }

    // --- values.schema.json -----------------------------------------------------------------

    @Test
    void schemaRejectsAWronglyTypedValue() {
        assertThatThrownBy(() -> chart.template(work, "replicas: two\n"))
                .hasMessageContaining("values don't meet the specifications of the schema")
                .hasMessageContaining("at '/replicas': got string, want integer");
    }

    @Test
    void schemaRejectsAnUnknownTopLevelKey() {
        assertThatThrownBy(() -> chart.template(work, "replica: 2\n"))
                .hasMessageContaining("values don't meet the specifications of the schema")
                .hasMessageContaining("additional properties 'replica' not allowed");
    }

    @Test
    void schemaRejectsWronglyTypedUserAccessValues() {
        assertThatThrownBy(() -> chart.template(work, "clusterConfig:\n  readableByAllUsers: \"no\"\n"))
                .hasMessageContaining("values don't meet the specifications of the schema")
                .hasMessageContaining("at '/clusterConfig/readableByAllUsers': got string, want boolean");
        assertThatThrownBy(() -> chart.template(work, "userRoles:\n  enabled: 1\n"))
                .hasMessageContaining("values don't meet the specifications of the schema")
                .hasMessageContaining("at '/userRoles/enabled': got number, want boolean");
        assertThatThrownBy(() -> chart.template(work, "userRoles: true\n"))
                .hasMessageContaining("at '/userRoles': got boolean, want object");
        assertThatThrownBy(() -> chart.template(work, "userRoles:\n  enable: false\n"))
                .hasMessageContaining("additional properties 'enable' not allowed");
    }

    @Test
    void schemaRejectsABadNamespaceQuantityAndDuration() {
        assertThatThrownBy(() -> chart.template(work, "watchNamespaces: [Team_A]\n")).hasMessageContaining("at '/watchNamespaces/0'");
        assertThatThrownBy(() -> chart.template(work, "defaultPool:\n  enabled: true\n  maxTaskResources: {cpu: lots}\n"))
                .hasMessageContaining("at '/defaultPool/maxTaskResources/cpu'");
        assertThatThrownBy(() -> chart.template(work, "unschedulableGracePeriod: two minutes\n"))
                .hasMessageContaining("at '/unschedulableGracePeriod'");
    }

    @Test
    void chartRefusesClustersOlderThanItsKubeVersion() {
        assertThatThrownBy(() -> new com.marcnuri.helm.Helm(chart.chart).template().withName("x").withKubeVersion("1.28.0").call())
                .hasMessageContaining("kubeVersion");
    }

    // --- metrics ----------------------------------------------------------------------------

    @Test
    void noServiceMonitorUnlessAskedFor() {
        assertThat(serviceMonitors(defaults)).isEmpty();
    }

    @Test
    void theServiceMonitorScrapesTheOperatorsServiceAtQMetrics() {
        List<HasMetadata> objects = chart.render(work, """
                metrics:
                  serviceMonitor:
                    enabled: true
                    interval: 15s
                    labels: {release: kube-prometheus-stack}
                """);
        assertThat(serviceMonitors(objects)).hasSize(1);
        GenericKubernetesResource monitor = serviceMonitors(objects).get(0);
        assertThat(monitor.getApiVersion()).isEqualTo("monitoring.coreos.com/v1");
        assertThat(monitor.getMetadata().getName()).isEqualTo(OPERATOR);
        assertThat(monitor.getMetadata().getNamespace()).isEqualTo(HelmChart.NAMESPACE);
        assertThat(monitor.getMetadata().getLabels())
                .containsEntry("release", "kube-prometheus-stack")
                .containsEntry("app.kubernetes.io/name", "stratoflow")
                .containsEntry("app.kubernetes.io/component", "operator");

        Service service = HelmChart.one(objects, Service.class);
        assertThat(service.getSpec().getPorts()).anyMatch(port -> port.getName().equals("http") && port.getPort() == 8080);
        Map<String, String> selector = monitor.get("spec", "selector", "matchLabels");
        assertThat(service.getMetadata().getLabels()).containsAllEntriesOf(selector);
        assertThat(selector).containsKeys("app.kubernetes.io/instance", "app.kubernetes.io/component");
        List<String> namespaces = monitor.get("spec", "namespaceSelector", "matchNames");
        assertThat(namespaces).containsExactly(HelmChart.NAMESPACE);
        List<Map<String, Object>> endpoints = monitor.get("spec", "endpoints");
        assertThat(endpoints).singleElement().satisfies(endpoint -> assertThat(endpoint).containsOnly(
                entry("port", "http"), entry("path", "/q/metrics"), entry("interval", "15s"),
                entry("honorLabels", true)));
    }

    @Test
    void anEmptyIntervalLeavesItToPrometheus() {
        List<HasMetadata> objects = chart.render(work, "metrics:\n  serviceMonitor:\n    enabled: true\n    interval: \"\"\n");
        List<Map<String, Object>> endpoints = serviceMonitors(objects).get(0).get("spec", "endpoints");
        assertThat(endpoints).singleElement().satisfies(endpoint -> assertThat(endpoint).doesNotContainKey("interval"));
    }

    @Test
    void theServiceMonitorNeedsTheService() {
        assertThatThrownBy(() -> chart.template(work, "service:\n  enabled: false\nmetrics:\n  serviceMonitor:\n    enabled: true\n"))
                .hasMessageContaining("metrics.serviceMonitor.enabled needs service.enabled");
    }

    @Test
    void schemaRejectsABadScrapeIntervalAndUnknownMetricsKeys() {
        assertThatThrownBy(() -> chart.template(work, "metrics:\n  serviceMonitor:\n    enabled: true\n    interval: often\n"))
                .hasMessageContaining("at '/metrics/serviceMonitor/interval'");
        assertThatThrownBy(() -> chart.template(work, "metrics:\n  serviceMonitor:\n    enable: true\n"))
                .hasMessageContaining("additional properties 'enable' not allowed");
    }

    private static List<GenericKubernetesResource> serviceMonitors(List<HasMetadata> objects) {
        return HelmChart.all(objects, GenericKubernetesResource.class).stream().filter(o -> "ServiceMonitor".equals(o.getKind())).toList();
    }

    // --- the default ComputePool ------------------------------------------------------------

    @Test
    void defaultComputePoolIsTheDefaultAndMatchesTheModel() {
        ComputePool pool = HelmChart.one(defaults, ComputePool.class);
        assertThat(pool.getMetadata().getName()).isEqualTo("default");
        assertThat(pool.getMetadata().getNamespace()).as("ComputePool is cluster-scoped").isNull();
        ComputePoolSpec spec = strictSpec(pool);
        assertThat(spec.defaultPool).isTrue();
        assertThat(spec.maxTaskResources.cpu).isEqualTo("8");
        assertThat(spec.maxTaskResources.memory).isEqualTo("32Gi");
        assertThat(spec.quota).isNull();
    }

    @Test
    void defaultComputePoolTakesItsShapeFromValues() {
        List<HasMetadata> objects = chart.render(work, """
                defaultPool:
                  enabled: true
                  name: shared
                  maxTaskResources: {cpu: 16, memory: 64Gi, gpu: 1}
                  quota: {cpu: "128", memory: 512Gi}
                  nodeSelector: {stratoflow.io/pool-group: onprem}
                  tolerations: [{key: dedicated, operator: Equal, value: batch, effect: NoSchedule}]
                  namespaces: [team-a]
                  scalable: true
                  nodePool: {name: onprem-nodes, largestInstance: {cpu: "31.9", memory: 127Gi}}
                """);
        ComputePool pool = HelmChart.one(objects, ComputePool.class);
        assertThat(pool.getMetadata().getName()).isEqualTo("shared");
        ComputePoolSpec spec = strictSpec(pool);
        assertThat(spec.defaultPool).isTrue();
        assertThat(spec.maxTaskResources.cpu).isEqualTo("16");
        assertThat(spec.maxTaskResources.memory).isEqualTo("64Gi");
        assertThat(spec.maxTaskResources.gpu).isEqualTo(1);
        assertThat(spec.quota.cpu).isEqualTo("128");
        assertThat(spec.quota.memory).isEqualTo("512Gi");
        assertThat(spec.nodeSelector).containsOnly(entry("stratoflow.io/pool-group", "onprem"));
        assertThat(spec.tolerations).singleElement().satisfies(t -> assertThat(t.getKey()).isEqualTo("dedicated"));
        assertThat(spec.namespaces).containsExactly("team-a");
        assertThat(spec.scalable).isTrue();
        assertThat(spec.nodePool.name).isEqualTo("onprem-nodes");
        assertThat(spec.nodePool.largestInstance.cpu).isEqualTo("31.9");
        assertThat(spec.nodePool.largestInstance.memory).isEqualTo("127Gi");

        assertThat(HelmChart.all(chart.render(work, "defaultPool:\n  enabled: false\n"), ComputePool.class)).isEmpty();
    }

    /** The rendered spec read into the model with unknown fields refused, so a misspelt field fails here. */
    private ComputePoolSpec strictSpec(ComputePool pool) {
        ObjectMapper strict = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);
        Object raw = chart.serialization.convertValue(pool.getSpec(), Map.class);
        return strict.convertValue(raw, ComputePoolSpec.class);
    }

    // --- labels and CRDs --------------------------------------------------------------------

    @Test
    void everythingCarriesTheStandardLabels() {
        assertThat(defaults).isNotEmpty();
        for (HasMetadata object : defaults) {
            assertThat(object.getMetadata().getLabels())
                    .as("%s %s", object.getKind(), object.getMetadata().getName())
                    .containsEntry("app.kubernetes.io/name", "stratoflow")
                    .containsEntry("app.kubernetes.io/instance", HelmChart.RELEASE)
                    .containsEntry("app.kubernetes.io/version", "0.1.0")
                    .containsEntry("app.kubernetes.io/managed-by", "Helm")
                    .containsEntry("app.kubernetes.io/part-of", "stratoflow")
                    .containsKey("app.kubernetes.io/component");
        }
        Deployment deployment = HelmChart.one(defaults, Deployment.class);
        assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels())
                .containsAllEntriesOf(deployment.getSpec().getSelector().getMatchLabels());
    }

    @Test
    void chartCrdsAreExactCopiesOfTheGeneratedOnes() throws IOException {
        Path generated = chart.repository.resolve("crds");
        Path shipped = chart.chart.resolve("crds");
        String fix = "the chart's CRDs differ from the generated ones in crds/: run `cp crds/*.yml helm/stratoflow/crds/` "
                + "(and delete from helm/stratoflow/crds/ any file no longer in crds/)";
        assertThat(fileNames(shipped)).as(fix).isEqualTo(fileNames(generated));
        for (String name : fileNames(generated)) {
            assertThat(Arrays.equals(Files.readAllBytes(shipped.resolve(name)), Files.readAllBytes(generated.resolve(name))))
                    .as("helm/stratoflow/crds/%s: %s", name, fix)
                    .isTrue();
        }
    }

    // --- helpers ----------------------------------------------------------------------------

    private static ClusterRole operatorClusterRole() {
        return HelmChart.named(defaults, ClusterRole.class, OPERATOR).orElseThrow();
    }

    private static ConfigMap clusterConfig(List<HasMetadata> objects) {
        ConfigMap config = HelmChart.one(objects, ConfigMap.class);
        assertThat(config.getMetadata().getName()).isEqualTo(CLUSTER_CONFIG);
        return config;
    }

    /** The labels of {@code role} that aggregate it into Kubernetes' user-facing roles. */
    private static Map<String, String> aggregationLabels(HasMetadata role) {
        Map<String, String> labels = Objects.requireNonNullElse(role.getMetadata().getLabels(), Map.of());
        return labels.entrySet().stream().filter(e -> e.getKey().startsWith(AGGREGATE_TO))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, TreeMap::new));
    }

    private static void assertAllUsers(List<Subject> subjects) {
        assertThat(subjects).singleElement().satisfies(subject -> {
            assertThat(subject.getKind()).isEqualTo("Group");
            assertThat(subject.getApiGroup()).isEqualTo("rbac.authorization.k8s.io");
            assertThat(subject.getName()).isEqualTo(ALL_USERS);
            assertThat(subject.getNamespace()).isNull();
        });
    }

    private static Set<String> fileNames(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        }
    }

    private static Container operatorContainer(Deployment deployment) {
        List<Container> containers = deployment.getSpec().getTemplate().getSpec().getContainers();
        assertThat(containers).hasSize(1);
        return containers.get(0);
    }

    private static Map<String, String> env(Container container) {
        Map<String, String> env = new TreeMap<>();
        for (EnvVar var : container.getEnv()) {
            if (var.getValue() != null) {
                env.put(var.getName(), var.getValue());
            }
        }
        return env;
    }

    private static void assertHttpProbe(Probe probe, String path) {
        assertThat(probe).as("probe on %s", path).isNotNull();
        assertThat(probe.getHttpGet().getPath()).isEqualTo(path);
        // The named port resolves to the container's 8080.
        assertThat(probe.getHttpGet().getPort().getStrVal()).isEqualTo("http");
    }

    private static Map<String, Set<String>> verbsByResource(List<PolicyRule> rules) {
        Map<String, Set<String>> verbs = new TreeMap<>();
        for (PolicyRule rule : rules) {
            for (String group : rule.getApiGroups()) {
                for (String resource : rule.getResources()) {
                    verbs.computeIfAbsent(group + "/" + resource, k -> new TreeSet<>()).addAll(rule.getVerbs());
                }
            }
        }
        return verbs;
    }
}
