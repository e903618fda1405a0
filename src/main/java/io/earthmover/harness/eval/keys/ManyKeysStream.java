package io.earthmover.harness.eval.keys;

import io.earthmover.harness.demo.DemoStream;
import io.earthmover.harness.demo.DemoStream.Anomaly;
import io.earthmover.harness.demo.DemoStream.Event;
import io.earthmover.harness.demo.DemoStream.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Many keys, one model: each key has its own level per feature (spread over [10, 90], far more
 * than any key's noise) and its own noise scale (0.5 to 5, log-uniform), so a record that is normal
 * for one key is extreme for another. Anomalies are sized in the key's own noise: spikes of
 * {@value #SPIKE_SIGMAS} σ for {@value #SPIKE_LENGTH} records and level shifts of
 * {@value #SHIFT_SIGMAS} σ for {@value #SHIFT_LENGTH}, on one feature, in about half of the keys.
 * Seeded; records are interleaved across keys in time order, one step a minute.
 */
public final class ManyKeysStream {
    static final double SPIKE_SIGMAS = 8;
    static final int SPIKE_LENGTH = 3;
    static final double SHIFT_SIGMAS = 5;
    static final int SHIFT_LENGTH = 50;
    static final long STEP_MILLIS = 60_000L;

    private final int keys;
    private final double[][] level;
    private final double[] sigma;
    private final Random rnd;

    public ManyKeysStream(int keys, long seed) {
        this.keys = keys;
        this.rnd = new Random(seed);
        int d = DemoStream.FEATURES.size();
        level = new double[keys][d];
        sigma = new double[keys];
        for (int k = 0; k < keys; k++) {
            for (int j = 0; j < d; j++) {
                level[k][j] = 10 + 80 * rnd.nextDouble();
            }
            sigma[k] = 0.5 * Math.pow(10, rnd.nextDouble());
        }
    }

    public static String key(int k) {
        return String.format("key-%03d", k);
    }

    /** Normal records of every key for steps [from, from + steps). */
    public List<Event> normal(int from, int steps) {
        return events(from, steps, List.of());
    }

    /** One anomaly in about half of the keys, inside steps [from + 20, from + steps − 60), alternating kinds. */
    public List<Anomaly> plan(int from, int steps) {
        List<Anomaly> out = new ArrayList<>();
        int d = DemoStream.FEATURES.size();
        for (int k = 0; k < keys; k++) {
            if (rnd.nextBoolean()) {
                Kind kind = out.size() % 2 == 0 ? Kind.SPIKE : Kind.LEVEL_SHIFT;
                int len = kind == Kind.SPIKE ? SPIKE_LENGTH : SHIFT_LENGTH;
                int start = from + 20 + rnd.nextInt(steps - 80 - len);
                out.add(new Anomaly(out.size(), key(k), kind, start, len, DemoStream.FEATURES.get(rnd.nextInt(d))));
            }
        }
        return out;
    }

    /** Records of every key for steps [from, from + steps), with the anomalies applied and labelled. */
    public List<Event> events(int from, int steps, List<Anomaly> anomalies) {
        List<Event> out = new ArrayList<>(keys * steps);
        int d = DemoStream.FEATURES.size();
        for (int step = from; step < from + steps; step++) {
            for (int k = 0; k < keys; k++) {
                double[] v = new double[d];
                for (int j = 0; j < d; j++) {
                    v[j] = level[k][j] + sigma[k] * rnd.nextGaussian();
                }
                int id = -1;
                for (Anomaly a : anomalies) {
                    if (a.host().equals(key(k)) && step >= a.start() && step < a.start() + a.length()) {
                        int j = DemoStream.FEATURES.indexOf(a.feature());
                        v[j] += (a.kind() == Kind.SPIKE ? SPIKE_SIGMAS : SHIFT_SIGMAS) * sigma[k];
                        id = a.id();
                    }
                }
                out.add(new Event(key(k), step, step * STEP_MILLIS, v, id));
            }
        }
        return out;
    }
}
