package io.stratoflow.operator.periodic;

import org.jboss.logging.Logger;

import java.util.function.BooleanSupplier;

/**
 * One run of something the operator does every few seconds (sampling a pool's demand, refreshing gauges, probing the API
 * server), made safe to schedule: a scheduled executor cancels a task for good the first time it throws, so a job that
 * failed once (an informer cache not started yet, a datastore away) would never run again, silently. This one never
 * throws; it skips its runs until what it reads is ready, and says in the log when it starts failing and when it works
 * again, not at every failed run.
 */
public final class PeriodicJob implements Runnable {

    private final String what;
    private final BooleanSupplier ready;
    private final Runnable job;
    private final Logger log;
    private int failuresInARow;
    private boolean saidNotReady;

    /**
     * @param what  what the job does, as the log says it: "sample the pools' demand"
     * @param ready whether what the job reads can be read yet (an informer cache that has started)
     */
    public PeriodicJob(String what, BooleanSupplier ready, Runnable job, Logger log) {
        this.what = what;
        this.ready = ready;
        this.job = job;
        this.log = log;
    }

    public static PeriodicJob always(String what, Runnable job, Logger log) {
        return new PeriodicJob(what, () -> true, job, log);
    }

    @Override
    public synchronized void run() {
        try {
            if (!ready.getAsBoolean()) {
                if (!saidNotReady) {
                    saidNotReady = true;
                    log.debugf("Waiting for the operator's caches before the first attempt to %s", what);
                }
                return;
            }
            job.run();
            if (failuresInARow > 0) {
                log.infof("Could %s again, after %d failed attempt(s)", what, failuresInARow);
                failuresInARow = 0;
            }
        } catch (Throwable failure) { // even an Error: the next run may well succeed, and nothing else would run it
            failuresInARow++;
            if (failuresInARow == 1) {
                log.warnf(failure, "Could not %s; trying again every period, and saying here when it works again", what);
            } else {
                log.debugf(failure, "Could not %s (%d attempts in a row)", what, failuresInARow);
            }
        }
    }

    /** Failed runs since the last one that succeeded. */
    public synchronized int failuresInARow() {
        return failuresInARow;
    }
}
