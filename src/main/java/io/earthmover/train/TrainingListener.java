package io.earthmover.train;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/** Receives training progress; called on the training thread. */
public interface TrainingListener {
    /** Before the first iteration; {@code runtime} is the ND4J backend line. */
    default void onStart(int maxIterations, long trainingSamples, long holdoutSamples, String runtime) {
    }

    void onIteration(IterationStats stats);

    /** After the last iteration, before calibration. */
    default void onFinish(IterationStats last, boolean earlyStopped) {
    }

    /** After calibration, with the validated bundle; {@code took} is the whole fit. */
    default void onTrained(TrainingOutcome outcome, Duration took) {
    }

    /** A listener that ignores everything. */
    static TrainingListener none() {
        return stats -> { };
    }

    /** One listener that tells each of {@code listeners} (nulls skipped) in turn. */
    static TrainingListener all(TrainingListener... listeners) {
        List<TrainingListener> ls = Arrays.stream(listeners).filter(Objects::nonNull).toList();
        return new TrainingListener() {
            @Override
            public void onStart(int maxIterations, long trainingSamples, long holdoutSamples, String runtime) {
                ls.forEach(l -> l.onStart(maxIterations, trainingSamples, holdoutSamples, runtime));
            }

            @Override
            public void onIteration(IterationStats stats) {
                ls.forEach(l -> l.onIteration(stats));
            }

            @Override
            public void onFinish(IterationStats last, boolean earlyStopped) {
                ls.forEach(l -> l.onFinish(last, earlyStopped));
            }

            @Override
            public void onTrained(TrainingOutcome outcome, Duration took) {
                ls.forEach(l -> l.onTrained(outcome, took));
            }
        };
    }
}
