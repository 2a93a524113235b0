package io.stratoflow.operator.config;

import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Leader election, so that several operator replicas are safe: only the holder of a
 * {@code coordination.k8s.io} Lease reconciles; the others keep their informers warm and take
 * over when it stops renewing.
 *
 * <p>The operator SDK uses this bean only in the profiles of
 * {@code quarkus.operator-sdk.activate-leader-election-for-profiles} (default {@code prod}), so
 * tests and dev mode never elect. In prod it is on unless
 * {@code STRATOFLOW_LEADER_ELECTION_ENABLED=false} (a single replica run outside the chart). The
 * Lease lives in {@code POD_NAMESPACE} (the Downward API, set by the Helm chart); without it the
 * operator SDK falls back to the client's namespace. The identity is the Pod name
 * ({@code HOSTNAME}). The chart's Role grants create, and get/update/patch on exactly this Lease.
 */
@Singleton
public class LeaderElection {

    /** The Lease name; the Helm chart's {@code leaderElection.leaseName} defaults to it. */
    public static final String DEFAULT_LEASE_NAME = "stratoflow-operator";

    private static final Logger LOG = Logger.getLogger(LeaderElection.class);

    /** Whether this replica reconciles: always without leader election, otherwise once it holds the Lease. */
    private static final AtomicBoolean LEADING = new AtomicBoolean(true);

    @Produces
    @Dependent
    LeaderElectionConfiguration leaderElectionConfiguration(
            @ConfigProperty(name = "stratoflow.leader-election.enabled", defaultValue = "true") boolean enabled,
            @ConfigProperty(name = "stratoflow.leader-election.lease-name", defaultValue = DEFAULT_LEASE_NAME) String leaseName,
            @ConfigProperty(name = "POD_NAMESPACE") Optional<String> podNamespace) {
        return configuration(enabled, leaseName, podNamespace.orElse(null));
    }

    /** The configuration, or null (no leader election) when disabled. */
    public static LeaderElectionConfiguration configuration(boolean enabled, String leaseName, String namespace) {
        if (!enabled) {
            LEADING.set(true);
            return null;
        }
        LEADING.set(false);
        LeaderElectionConfigurationBuilder builder = LeaderElectionConfigurationBuilder.aLeaderElectionConfiguration(leaseName)
                // The operator SDK's own exit-on-stop-leading calls System.exit on the thread that
                // stops leading. On SIGTERM that is Quarkus' shutdown hook, and System.exit inside a
                // shutdown hook blocks forever: the Pod would hang until SIGKILL. Exit from a
                // thread of our own instead.
                .withExitOnStopLeading(false)
                .withLeaderCallbacks(new LeaderCallbacks(() -> LEADING.set(true), LeaderElection::exitAfterLosingTheLease, leader -> { }));
        if (namespace != null && !namespace.isBlank()) {
            builder.withLeaseNamespace(namespace);
        }
        return builder.build();
    }

    /** Whether this replica is the one reconciling (a standby only keeps its informers warm). */
    public static boolean leading() {
        return LEADING.get();
    }

    /**
     * Never go on reconciling without the Lease: exit with 1 so that Kubernetes restarts the
     * container, which then queues for the Lease again. When the JVM is already shutting down
     * (SIGTERM), this thread's System.exit just waits for the shutdown to finish and the
     * shutdown's own exit status stands.
     */
    private static void exitAfterLosingTheLease() {
        LOG.info("Stopped leading: exiting (without the Lease this replica must not reconcile; restarted, it queues for it again)");
        Thread exit = new Thread(() -> System.exit(1), "stratoflow-leader-exit");
        exit.setDaemon(true);
        exit.start();
    }
}
