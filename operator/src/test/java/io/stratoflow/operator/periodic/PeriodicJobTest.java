package io.stratoflow.operator.periodic;

import org.jboss.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import static org.assertj.core.api.Assertions.assertThat;

/** A periodic job on a real scheduled executor, which cancels for good a task that throws. */
class PeriodicJobTest {

    private static final String LOGGER = "io.stratoflow.operator.periodic.test";

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final WarningsSeen warnings = new WarningsSeen();

    @AfterEach
    void stop() {
        timer.shutdownNow();
        java.util.logging.Logger.getLogger(LOGGER).removeHandler(warnings);
    }

    @Test
    void aJobThatThrowsKeepsRunningAndSaysSoOnceNotAtEveryRun() throws InterruptedException {
        java.util.logging.Logger.getLogger(LOGGER).addHandler(warnings);
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch succeededThrice = new CountDownLatch(3);
        Runnable failsFiveTimesThenWorks = () -> {
            if (runs.incrementAndGet() <= 5) {
                throw new NullPointerException("Cannot invoke \"InformerManager.list()\" because \"this.cache\" is null");
            }
            succeededThrice.countDown();
        };
        PeriodicJob job = new PeriodicJob("sample the pools", () -> true, failsFiveTimesThenWorks, Logger.getLogger(LOGGER));

        timer.scheduleWithFixedDelay(job, 0, 5, TimeUnit.MILLISECONDS);

        assertThat(succeededThrice.await(30, TimeUnit.SECONDS)).as("runs after five that threw").isTrue();
        assertThat(job.failuresInARow()).isZero();
        assertThat(warnings.messages).as("one warning for five failed runs").hasSize(1);
        assertThat(warnings.messages.get(0)).contains("Could not sample the pools");
    }

    @Test
    void aJobDoesNotRunUntilWhatItReadsIsReady() throws InterruptedException {
        AtomicBoolean ready = new AtomicBoolean();
        AtomicInteger runsWhileNotReady = new AtomicInteger();
        CountDownLatch ranOnceReady = new CountDownLatch(1);
        CountDownLatch askedTwice = new CountDownLatch(2);
        PeriodicJob job = new PeriodicJob("sample", () -> {
            askedTwice.countDown();
            return ready.get();
        }, () -> {
            if (!ready.get()) {
                runsWhileNotReady.incrementAndGet();
            }
            ranOnceReady.countDown();
        }, Logger.getLogger(LOGGER));

        timer.scheduleWithFixedDelay(job, 0, 5, TimeUnit.MILLISECONDS);
        assertThat(askedTwice.await(30, TimeUnit.SECONDS)).isTrue();
        ready.set(true);

        assertThat(ranOnceReady.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(runsWhileNotReady).hasValue(0);
    }

    @Test
    void anErrorDoesNotStopTheJobEither() throws InterruptedException {
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch ranAfterTheError = new CountDownLatch(1);
        PeriodicJob job = PeriodicJob.always("sample", () -> {
            if (runs.incrementAndGet() == 1) {
                throw new NoClassDefFoundError("io/stratoflow/Missing");
            }
            ranAfterTheError.countDown();
        }, Logger.getLogger(LOGGER));

        timer.scheduleAtFixedRate(job, 0, 5, TimeUnit.MILLISECONDS);

        assertThat(ranAfterTheError.await(30, TimeUnit.SECONDS)).isTrue();
    }

    /** The warnings and errors logged under {@link #LOGGER}, whichever logging backend JBoss Logging chose. */
    private static final class WarningsSeen extends Handler {
        final List<String> messages = new CopyOnWriteArrayList<>();

        @Override
        public void publish(LogRecord record) {
            if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
                messages.add(String.valueOf(record.getMessage()).formatted(record.getParameters() == null ? new Object[0]
                        : record.getParameters()));
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}
