package io.earthmover.testutil;

import io.earthmover.config.ConfigKeys;
import io.earthmover.features.FeatureSchema;
import io.earthmover.model.ModelBundle;
import io.earthmover.train.AlarmSeeding;
import io.earthmover.train.ModelTrainer;
import io.earthmover.train.TrainingException;
import io.earthmover.train.TrainingSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Real model bundles for scorer tests, trained quickly on a standard normal cloud (features
 * independent, mean 0, std 1), so a point far from the origin is a clear outlier. Cached per shape
 * and seed: training takes a second or two.
 */
public final class TestBundles {
    private static final Map<String, ModelBundle> CACHE = new ConcurrentHashMap<>();

    private TestBundles() {
    }

    public static ModelBundle bundle(List<String> names, boolean named, int window, long seed) {
        String key = names + "/" + named + "/" + window + "/" + seed;
        return CACHE.computeIfAbsent(key, k -> train(names, named, window, seed));
    }

    public static byte[] bytes(List<String> names, boolean named, int window, long seed) {
        return bundle(names, named, window, seed).toBytes();
    }

    /** A small model of the demo stream's normal data (its hosts' series), trained as {@link #bundle} trains. */
    public static ModelBundle demoBundle(int hosts, int steps, long seed) {
        return CACHE.computeIfAbsent("demo/" + hosts + "/" + steps + "/" + seed, k -> {
            var events = new io.earthmover.harness.demo.DemoStream(hosts, seed, 1_767_225_600_000L).normal(0, steps);
            List<double[][]> series = new ArrayList<>();
            for (int h = 0; h < hosts; h++) {
                String host = io.earthmover.harness.demo.DemoStream.host(h);
                series.add(events.stream().filter(e -> e.host().equals(host)).map(e -> e.values()).toArray(double[][]::new));
            }
            return fit(FeatureSchema.named(io.earthmover.harness.demo.DemoStream.FEATURES), series, 1, seed);
        });
    }

    private static ModelBundle train(List<String> names, boolean named, int window, long seed) {
        FeatureSchema schema = named ? FeatureSchema.named(names) : FeatureSchema.positional(names.size());
        Random rnd = new Random(seed);
        List<double[][]> series = new ArrayList<>();
        for (int s = 0; s < 4; s++) {
            double[][] rows = new double[600][schema.size()];
            for (double[] r : rows) {
                for (int j = 0; j < r.length; j++) {
                    r[j] = rnd.nextGaussian();
                }
            }
            series.add(rows);
        }
        return fit(schema, series, window, seed);
    }

    private static ModelBundle fit(FeatureSchema schema, List<double[][]> series, int window, long seed) {
        TrainingSettings settings = TrainingSettings.defaults()
                .with(ConfigKeys.FEATURES_WINDOW, window).with(ConfigKeys.TRAIN_SEED, seed)
                .with(ConfigKeys.TRAIN_LATENT, 4).with(ConfigKeys.TRAIN_GEN_HIDDEN, new int[] {16, 16})
                .with(ConfigKeys.TRAIN_CRITIC_HIDDEN, new int[] {16, 16}).with(ConfigKeys.TRAIN_BATCH, 64)
                .with(ConfigKeys.TRAIN_ITERATIONS, 80).with(ConfigKeys.TRAIN_LR, 1e-3).with(ConfigKeys.TRAIN_PATIENCE, 0);
        double[] min = new double[schema.size()];
        double[] max = new double[schema.size()];
        java.util.Arrays.fill(min, Double.POSITIVE_INFINITY);
        java.util.Arrays.fill(max, Double.NEGATIVE_INFINITY);
        for (double[][] rows : series) {
            for (double[] r : rows) {
                for (int j = 0; j < r.length; j++) {
                    min[j] = Math.min(min[j], r[j]);
                    max[j] = Math.max(max[j], r[j]);
                }
            }
        }
        try {
            // seeded as the training job seeds it, so keys are judged from their first record
            return AlarmSeeding.seeded(new ModelTrainer().fit(series, schema, settings, Map.of("source", "TestBundles"), null).bundle(), series, min, max, io.earthmover.config.ConfigKeys.ALARM_AVERAGING.defaultValue());
        } catch (TrainingException e) {
            throw new IllegalStateException(e);
        }
    }
}
