package io.earthmover.train;

/** Receives training progress; called on the training thread. */
public interface TrainingListener {
    /** Before the first iteration; {@code runtime} is the ND4J backend line. */
    default void onStart(int maxIterations, long trainingSamples, long holdoutSamples, String runtime) {
    }

    void onIteration(IterationStats stats);

    /** After the last iteration, before calibration. */
    default void onFinish(IterationStats last, boolean earlyStopped) {
    }
}
