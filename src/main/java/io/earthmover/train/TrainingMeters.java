package io.earthmover.train;

import io.earthmover.metrics.MetricNames;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The training meters as a listener: gauges of the latest iteration (number, Wasserstein
 * estimate, gradient penalty, samples per second) and a timer of whole fits. Create one per
 * registry and pass it to every fit that should report there: Micrometer keeps the first
 * gauge registered under a name, so a second instance on the same registry would not be read.
 */
public final class TrainingMeters implements TrainingListener {
    private final AtomicLong iteration = new AtomicLong();
    private final AtomicLong wasserstein = new AtomicLong(Double.doubleToLongBits(Double.NaN));
    private final AtomicLong penalty = new AtomicLong(Double.doubleToLongBits(Double.NaN));
    private final AtomicLong samplesPerSecond = new AtomicLong(Double.doubleToLongBits(0));
    private final Timer duration;

    public TrainingMeters(MeterRegistry r) {
        Gauge.builder(MetricNames.TRAIN_ITERATION, iteration, AtomicLong::get)
                .description(MetricNames.TRAIN_ITERATION_DESC).strongReference(true).register(r);
        Gauge.builder(MetricNames.TRAIN_WASSERSTEIN, wasserstein, a -> Double.longBitsToDouble(a.get()))
                .description(MetricNames.TRAIN_WASSERSTEIN_DESC).strongReference(true).register(r);
        Gauge.builder(MetricNames.TRAIN_GRADIENT_PENALTY, penalty, a -> Double.longBitsToDouble(a.get()))
                .description(MetricNames.TRAIN_GRADIENT_PENALTY_DESC).strongReference(true).register(r);
        Gauge.builder(MetricNames.TRAIN_SAMPLES_PER_SECOND, samplesPerSecond, a -> Double.longBitsToDouble(a.get()))
                .description(MetricNames.TRAIN_SAMPLES_PER_SECOND_DESC).strongReference(true).register(r);
        duration = Timer.builder(MetricNames.TRAIN_DURATION).description(MetricNames.TRAIN_DURATION_DESC).register(r);
    }

    @Override
    public void onIteration(IterationStats s) {
        iteration.set(s.iteration());
        wasserstein.set(Double.doubleToLongBits(s.wasserstein()));
        penalty.set(Double.doubleToLongBits(s.gradientPenalty()));
        samplesPerSecond.set(Double.doubleToLongBits(s.samplesPerSecond()));
    }

    @Override
    public void onTrained(TrainingOutcome outcome, Duration took) {
        duration.record(took);
    }
}
