package io.earthmover.harness.eval;

/** Wall-clock seconds since creation. */
public final class Stopwatch {
    private final long start = System.nanoTime();

    public double seconds() {
        return (System.nanoTime() - start) / 1e9;
    }
}
