package io.earthmover.score;

import io.earthmover.alarm.AlarmPolicy;
import io.earthmover.metrics.ScorerMetrics;
import io.earthmover.model.InvalidModelException;
import io.earthmover.model.ModelBundle;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model now serving, swapped atomically. Stream threads read {@link #current()} once per
 * record, so a swap falls between two records: none is scored twice or by half a model. A bundle
 * that fails validation, or whose features or window do not fit the window state built by the
 * current model, or whose alarm seed was fitted for another likelihood than the scorer's
 * ({@link io.earthmover.alarm.AlarmSeed#mismatch}), is refused, counted and logged, and the current
 * model keeps serving.
 */
public final class ModelHolder {
    private static final Logger LOG = LoggerFactory.getLogger(ModelHolder.class);

    /** A loaded model and where it came from. */
    public record Loaded(ModelBundle bundle, String source, Instant loadedAt) {
        public String version() {
            return bundle.version();
        }
    }

    /** What happened to an offered bundle. */
    public sealed interface Outcome permits Swapped, Unchanged, Refused {
    }

    public record Swapped(String version) implements Outcome {
    }

    public record Unchanged(String version) implements Outcome {
    }

    public record Refused(String reason, String message) implements Outcome {
    }

    private final String modelName;
    private final ScorerMetrics metrics;
    private final AlarmPolicy alarm;
    private final AtomicReference<Loaded> current = new AtomicReference<>();
    private final Object swapLock = new Object();
    private final java.util.List<java.util.function.Consumer<ModelBundle>> swapListeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** {@code alarm}: the scorer's alarm policy, which a bundle's alarm seed must fit. */
    public ModelHolder(String modelName, ScorerMetrics metrics, AlarmPolicy alarm) {
        this.modelName = modelName;
        this.metrics = metrics;
        this.alarm = alarm;
    }

    /** Called, under the swap lock, with each bundle that starts serving. */
    public void onSwap(java.util.function.Consumer<ModelBundle> listener) {
        swapListeners.add(listener);
    }

    public Loaded current() {
        return current.get();
    }

    public boolean hasModel() {
        return current.get() != null;
    }

    public String modelName() {
        return modelName;
    }

    /** Validates and, if acceptable, swaps in a bundle. Never throws for bad input. */
    public Outcome offer(byte[] bytes, String source) {
        if (bytes == null) {
            return refuse("tombstone", "tombstone for model '" + modelName + "' from " + source + " ignored: a model is never unloaded");
        }
        if (bytes.length == 0) {
            return refuse("empty", "empty model bundle from " + source);
        }
        ModelBundle b;
        try {
            b = ModelBundle.fromBytes(bytes);
        } catch (InvalidModelException e) {
            return refuse(e.reason().name().toLowerCase(Locale.ROOT), "invalid bundle from " + source + ": " + e.getMessage());
        } catch (RuntimeException e) {
            return refuse("format", "unreadable bundle from " + source + ": " + e);
        }
        String unfit = b.alarmSeed().mismatch(alarm);
        if (unfit != null) {
            return refuse("incompatible", "bundle " + b.version() + " from " + source + " refused: " + unfit);
        }
        synchronized (swapLock) {
            Loaded old = current.get();
            if (old != null && old.version().equals(b.version())) {
                return new Unchanged(b.version());
            }
            if (old != null) {
                String why = incompatibility(old.bundle(), b);
                if (why != null) {
                    return refuse("incompatible", "bundle " + b.version() + " from " + source + " refused: " + why);
                }
            }
            swapListeners.forEach(l -> l.accept(b));
            current.set(new Loaded(b, source, Instant.now()));
            metrics.modelSwapped(modelName, b.version(), b.createdAt(), trainWasserstein(b));
            LOG.info("model '{}' version {} from {} now serving (was {})", modelName, b.version(), source,
                    old == null ? "none" : old.version());
            return new Swapped(b.version());
        }
    }

    private static double trainWasserstein(ModelBundle b) {
        return b.wasserstein();
    }

    /** Why {@code next} cannot take over the window state of {@code cur}, or null if it can. */
    static String incompatibility(ModelBundle cur, ModelBundle next) {
        if (!cur.schema().equals(next.schema())) {
            return "feature schema " + next.schema().names() + " differs from the serving " + cur.schema().names()
                    + " (deploy a new scorer application.id to change features)";
        }
        if (cur.featuriser().historyLength() != next.featuriser().historyLength()) {
            return "window needs " + next.featuriser().historyLength() + " records per key, the window state holds "
                    + cur.featuriser().historyLength();
        }
        return null;
    }

    private Outcome refuse(String reason, String message) {
        metrics.modelRejected(reason);
        LOG.warn("{}", message);
        return new Refused(reason, message);
    }
}
