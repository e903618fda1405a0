package io.earthmover.testutil;

import java.util.function.BooleanSupplier;

/** Polls a condition until it holds or a deadline passes. */
public final class Wait {
    private Wait() {
    }

    public static void until(BooleanSupplier cond, int seconds) throws InterruptedException {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("condition not met in " + seconds + " s");
            }
            Thread.sleep(100);
        }
    }
}
