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
        TrainingSettings settings = TrainingSettings.defaults()
                .with(ConfigKeys.FEATURES_WINDOW, window).with(ConfigKeys.TRAIN_SEED, (long) seed)
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
