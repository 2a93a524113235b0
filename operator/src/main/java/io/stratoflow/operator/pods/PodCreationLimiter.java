package io.stratoflow.operator.pods;

/**
 * A token bucket shared by every reconciler: at most {@code perSecond} Pod creations per second
 * on average, with bursts of up to one second's worth, so that a wide foreach does not flood the
 * API server.
 */
public final class PodCreationLimiter {

    private final double perSecond;
    private final double burst;
    private double tokens;
    private long lastRefillNanos;

    public PodCreationLimiter(double perSecond) {
        if (perSecond <= 0) {
            throw new IllegalArgumentException("pod creations per second must be positive, got " + perSecond);
        }
        this.perSecond = perSecond;
        this.burst = Math.max(1, perSecond);
        this.tokens = burst;
        this.lastRefillNanos = System.nanoTime();
    }

    /** Waits until a creation is allowed. */
    public void acquire() throws InterruptedException {
        long waitNanos;
        synchronized (this) {
            refill();
            tokens -= 1;
            waitNanos = tokens >= 0 ? 0 : (long) (-tokens / perSecond * 1e9);
        }
        if (waitNanos > 0) {
            Thread.sleep(waitNanos / 1_000_000, (int) (waitNanos % 1_000_000));
        }
    }

    private void refill() {
        long now = System.nanoTime();
        tokens = Math.min(burst, tokens + (now - lastRefillNanos) / 1e9 * perSecond);
        lastRefillNanos = now;
    }
}
