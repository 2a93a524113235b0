package io.stratoflow.operator.run;

import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.quarkus.runtime.StartupEvent;
import io.stratoflow.engine.RunPhase;
import io.stratoflow.model.Run;
import io.stratoflow.operator.config.LeaderElection;
import io.stratoflow.operator.periodic.PeriodicJob;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Notices when the API server stops answering and when it answers again. The informers
 * reconnect on their own and the Runs go on where they were; what a person needs is to know
 * that it happened: a log line when contact is lost, and, once it is back, one Event on every
 * unfinished Run saying for how long the operator could neither see nor change anything.
 */
@ApplicationScoped
public class ApiServerWatch {

    static final String REASON = "APIServerUnreachable";
    private static final Logger LOG = Logger.getLogger(ApiServerWatch.class);
    private static final long PERIOD_MILLIS = 2000;
    private static final int PROBE_TIMEOUT_MILLIS = 2000;

    @Inject
    KubernetesClient client;

    private ScheduledExecutorService timer;
    private KubernetesClient probe;
    private Instant lostSince;
    /** The last look at which the API server answered: an outage began after it. */
    private Instant lastAnswer;

    void start(@Observes StartupEvent event) {
        // The operator's client retries a failed request with growing pauses (tens of seconds in all), which would hide
        // an outage for that long and misstate its length: the probe asks once, with short timeouts.
        probe = new KubernetesClientBuilder().withConfig(new ConfigBuilder(client.getConfiguration())
                .withRequestRetryBackoffLimit(0).withConnectionTimeout(PROBE_TIMEOUT_MILLIS).withRequestTimeout(PROBE_TIMEOUT_MILLIS)
                .build()).build();
        timer = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "stratoflow-apiserver-watch");
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleWithFixedDelay(PeriodicJob.always("probe the API server", this::check, LOG), PERIOD_MILLIS, PERIOD_MILLIS,
                TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stop() {
        if (timer != null) {
            timer.shutdownNow();
        }
        if (probe != null) {
            probe.close();
        }
    }

    private void check() {
        observe(answers(), Instant.now());
    }

    /** One look: whether the API server answered at {@code now}. */
    void observe(boolean answers, Instant now) {
        if (answers && lostSince == null) {
            lastAnswer = now;
        } else if (!answers && lostSince == null) {
            lostSince = lastAnswer == null ? now : lastAnswer;
            LOG.warnf("The API server at %s does not answer: nothing can be observed or changed until it does; waiting for it",
                    client.getMasterUrl());
        } else if (answers && lostSince != null) {
            Duration outage = Duration.between(lostSince, now);
            Instant from = lostSince;
            lostSince = null;
            lastAnswer = now;
            LOG.infof("The API server answers again, after %d s without it", outage.toSeconds());
            if (LeaderElection.leading()) {
                tellUnfinishedRuns(from, now, outage);
            }
        }
    }

    private boolean answers() {
        try {
            probe.getKubernetesVersion();
            return true;
        } catch (KubernetesClientException e) {
            return e.getCode() > 0; // an HTTP status is an answer; only no connection (or no response) is an outage
        }
    }

    private void tellUnfinishedRuns(Instant from, Instant to, Duration outage) {
        List<Run> runs;
        try {
            runs = client.resources(Run.class).inAnyNamespace().list().getItems();
        } catch (KubernetesClientException e) {
            LOG.debugf("Could not list Runs to report the outage on: %s", e.getMessage());
            return;
        }
        String message = "The operator could not reach the API server for " + Math.max(1, outage.toSeconds()) + " s (from "
                + from.truncatedTo(ChronoUnit.SECONDS) + " to " + to.truncatedTo(ChronoUnit.SECONDS)
                + "); it has picked this Run up again where it was";
        for (Run run : runs) {
            String phase = run.getStatus() == null ? null : run.getStatus().phase;
            if (!RunPhase.isFinalStatus(phase)) {
                RunEvents.warning(client, run, REASON, message);
            }
        }
    }
}
