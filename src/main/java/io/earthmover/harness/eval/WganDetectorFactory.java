package io.earthmover.harness.eval;

import io.earthmover.config.EarthmoverConfig;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code wgan}: earthmover itself, trained by the product's training job and scored by the
 * service's per-record processing ({@link WganDetector}), with one configuration for every
 * series or file of a run: a {@link Profile} (by default the benchmark's shipped profile), which
 * the report prints with every effective key. There are no evaluation-only settings: what the
 * profile file says is what {@code earthmover train --config} and {@code earthmover score --config}
 * do with it. The benchmark reads one served field ({@link ServedField}).
 *
 * <p>On time series {@code retrainEvery > 0} reruns the training job every that many scored rows
 * on at most the newest {@value #MAX_TRAIN_ROWS} rows seen, and swaps an accepted model in.
 */
public final class WganDetectorFactory implements DetectorFactory {
    public static final String NAME = "wgan";
    /** Scored rows between retrainings on time series; 0 disables retraining. */
    public static final int DEFAULT_RETRAIN_EVERY = 0;
    /** Newest rows a retraining uses at most. */
    public static final int MAX_TRAIN_ROWS = 3000;

    /** What happened to the trainings of a run, for the report. */
    static final class Counts {
        final AtomicInteger series = new AtomicInteger();
        final AtomicInteger trainings = new AtomicInteger();
        final AtomicInteger accepted = new AtomicInteger();
        final AtomicInteger refused = new AtomicInteger();
        /** Of the refused, those published as a fallback ({@code train.gate.fallback}). */
        final AtomicInteger fallbacks = new AtomicInteger();
        final AtomicInteger failed = new AtomicInteger();
        final AtomicInteger withoutModel = new AtomicInteger();
        final AtomicInteger deadLetters = new AtomicInteger();
        /** Alarm events by served reason: [true alarms, false alarms]. */
        private final java.util.Map<String, int[]> alarms = new java.util.TreeMap<>();

        /** The same for the critic-alone companion (range and frozen-value rules off). */
        private final java.util.Map<String, int[]> aloneAlarms = new java.util.TreeMap<>();

        synchronized void alarm(String reason, boolean trueAlarm) {
            alarms.computeIfAbsent(reason, r -> new int[2])[trueAlarm ? 0 : 1]++;
        }

        synchronized void aloneAlarm(String reason, boolean trueAlarm) {
            aloneAlarms.computeIfAbsent(reason, r -> new int[2])[trueAlarm ? 0 : 1]++;
        }

        synchronized String alarms() {
            String served = tally(alarms);
            return aloneAlarms.isEmpty() ? served : served + "; critic alone (range and frozen-value rules off, same models): "
                    + tally(aloneAlarms);
        }

        private static String tally(java.util.Map<String, int[]> byReason) {
            if (byReason.isEmpty()) {
                return "no alarm events";
            }
            StringBuilder sb = new StringBuilder();
            byReason.forEach((r, n) -> sb.append(sb.length() == 0 ? "" : ", ").append(r).append(' ').append(n[0])
                    .append(" true / ").append(n[1]).append(" false"));
            return sb.toString();
        }
    }

    private final Profile profile;
    private final EarthmoverConfig config;
    private final ServedField field;
    private final int retrainEvery;
    private final boolean trace;
    private final Counts counts = new Counts();

    /**
     * @param profile      the configuration file, for the report
     * @param config       the effective configuration (the profile with environment and {@code --set} on top)
     * @param field        the served field the benchmark reads
     * @param retrainEvery scored rows between retrainings on time series (0 = never)
     * @param trace        record what every detector sent, so it can be replayed through Kafka
     */
    public WganDetectorFactory(Profile profile, EarthmoverConfig config, ServedField field, int retrainEvery,
            boolean trace) {
        if (retrainEvery < 0) {
            throw new IllegalArgumentException("retrainEvery must be >= 0");
        }
        this.profile = profile;
        this.config = config;
        this.field = field;
        this.retrainEvery = retrainEvery;
        this.trace = trace;
    }

    /** The shipped profile {@code name} as is, trained once per series. */
    public static WganDetectorFactory builtIn(String name, ServedField field) {
        Profile p = Profile.builtIn(name);
        return new WganDetectorFactory(p, p.config(), field, DEFAULT_RETRAIN_EVERY, false);
    }

    public boolean tracing() {
        return trace;
    }

    public EarthmoverConfig config() {
        return config;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String describe() {
        return "earthmover itself: per series/file `TrainJob` (what `earthmover train --input FILE --config "
                + profile.source() + "` does, quality gate included), then every row through `OfflineScorer` "
                + "(the service's `ScoringEngine`: window, critic, per-key alarm layer); the score is the served `"
                + field.field() + "`" + (field == ServedField.NEGATED_CRITIC ? " (negated)" : "")
                + (retrainEvery > 0 ? "; retrains every " + retrainEvery + " rows on the newest " + MAX_TRAIN_ROWS
                        + " rows seen, gated against the serving model" : "; trained once")
                + ". " + outcome();
    }

    /** How the trainings went so far. */
    public String outcome() {
        return String.format("Trainings: %d (%d accepted, %d refused by the quality gate, %d failed); of the refused, "
                + "%d served as a fallback (%s=%s); %d of %d "
                + "series/files had no model after their first training and score %s (no output without a model); "
                + "%d records dead-lettered. Alarm events by reason: %s.", counts.trainings.get(), counts.accepted.get(),
                counts.refused.get(), counts.failed.get(), counts.fallbacks.get(),
                io.earthmover.config.ConfigKeys.GATE_FALLBACK.name(), config.get(io.earthmover.config.ConfigKeys.GATE_FALLBACK),
                counts.withoutModel.get(), counts.series.get(),
                field == ServedField.NEGATED_CRITIC ? "last" : "0", counts.deadLetters.get(), counts.alarms());
    }

    @Override
    public String reportSection() {
        return "\n### wgan's configuration\n\n" + profile.markdown(config);
    }

    @Override
    public Detector create(DetectorSpec spec) {
        return new WganDetector(config, field, spec.streaming(), spec.streaming() ? retrainEvery : 0, MAX_TRAIN_ROWS,
                trace, counts);
    }
}
