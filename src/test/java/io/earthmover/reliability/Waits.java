package io.earthmover.reliability;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polling waits that fail with a message instead of hanging. */
final class Waits {
    private Waits() {
    }

    /** Waits until {@code cond} holds; returns how long it took. */
    static Duration until(String what, Duration timeout, BooleanSupplier cond) throws InterruptedException {
        long t0 = System.nanoTime();
        long end = t0 + timeout.toNanos();
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what);
            }
            Thread.sleep(100);
        }
        return Duration.ofNanos(System.nanoTime() - t0);
    }
}
