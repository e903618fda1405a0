package io.earthmover.score;

import io.earthmover.alarm.AlarmPolicy;
import io.earthmover.metrics.ScorerMetrics;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The models a scorer serves, by name, each in its own {@link ModelHolder} with its own drift
 * estimate: so each swaps independently, and a bundle refused for one never touches another. With
 * {@code routing.mode=none} it holds the one {@code model.name} from the start; routed, a model is
 * added by its first valid bundle, up to {@code routing.max.models} (beyond, bundles of further
 * names are refused, logged and counted: the bound on memory and on the metrics' model tag).
 */
public final class ModelSet {
    private static final Logger LOG = LoggerFactory.getLogger(ModelSet.class);
    /** {@code earthmover.model.rejected} reason of a bundle beyond {@code routing.max.models}. */
    public static final String TOO_MANY_MODELS = "too_many_models";

    /** One model: its holder and its drift estimate (critic values of two models are not comparable). */
    public record Served(String name, ModelHolder holder, DriftTracker drift) {
    }

    private final ModelRouter router;
    private final ScorerMetrics metrics;
    private final Clock clock;
    private final int driftMinutes;
    private final AlarmPolicy alarm;
    private final Map<String, Served> models = new ConcurrentHashMap<>();
    /** Mode none: the one model, without a map lookup per record. */
    private final Served single;

    /** {@code alarm}: the scorer's alarm policy, which each model's alarm seed must fit. */
    public ModelSet(ModelRouter router, ScorerMetrics metrics, Clock clock, int driftMinutes, AlarmPolicy alarm) {
        this.router = router;
        this.metrics = metrics;
        this.clock = clock;
        this.driftMinutes = driftMinutes;
        this.alarm = alarm;
        this.single = router.routed() ? null : served(router.modelName());
        if (single != null) {
            models.put(single.name(), single);
        }
    }

    /** Mode none over a holder and drift tracker the caller made (tests, {@code score --input}). */
    public static ModelSet single(ModelHolder holder, DriftTracker drift) {
        return new ModelSet(ModelRouter.single(holder.modelName()), new Served(holder.modelName(), holder, drift));
    }

    private ModelSet(ModelRouter router, Served single) {
        this.router = router;
        this.metrics = null;
        this.clock = null;
        this.driftMinutes = 0;
        this.alarm = null;
        this.single = single;
        models.put(single.name(), single);
    }

    private Served served(String name) {
        ModelHolder h = new ModelHolder(name, metrics, alarm);
        DriftTracker d = new DriftTracker(clock, driftMinutes);
        h.onSwap(b -> d.reset(b.holdoutCriticMean()));
        return new Served(name, h, d);
    }

    public ModelRouter router() {
        return router;
    }

    /** The model of mode none, or null when routed. */
    public Served single() {
        return single;
    }

    /** The named model, or null when none of that name is loaded. */
    public Served get(String name) {
        return single != null ? (single.name().equals(name) ? single : null) : models.get(name);
    }

    /** The models loaded (routed) or the one followed (mode none). */
    public List<Served> all() {
        return List.copyOf(models.values());
    }

    /** Whether the models topic's record under {@code name} is for this scorer. */
    public boolean follows(String name) {
        return single == null || single.name().equals(name);
    }

    /** True once a model serves (routed: any model; mode none: the one). */
    public boolean hasModel() {
        return models.values().stream().anyMatch(s -> s.holder().hasModel());
    }

    /** Offers a bundle published under {@code name}; a new name is added only if its bundle is swapped in. */
    public synchronized ModelHolder.Outcome offer(String name, byte[] bytes, String source) {
        Served s = models.get(name);
        if (s != null) {
            return s.holder().offer(bytes, source);
        }
        if (single != null) {
            return new ModelHolder.Refused("not_followed", "model '" + name + "' is not this scorer's model.name");
        }
        if (models.size() >= router.maxModels()) {
            metrics.modelRejected(TOO_MANY_MODELS);
            String m = "bundle for model '" + name + "' from " + source + " refused: " + models.size()
                    + " models loaded, routing.max.models = " + router.maxModels();
            LOG.warn("{}", m);
            return new ModelHolder.Refused(TOO_MANY_MODELS, m);
        }
        Served fresh = served(name);
        ModelHolder.Outcome o = fresh.holder().offer(bytes, source);
        if (o instanceof ModelHolder.Swapped) {
            models.put(name, fresh);
            metrics.modelDriftGauge(name, fresh.drift()::drift);
        }
        return o;
    }
}
