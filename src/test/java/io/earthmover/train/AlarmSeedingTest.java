package io.earthmover.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.earthmover.alarm.AlarmPolicy;
import io.earthmover.alarm.AlarmSeed;
import io.earthmover.features.Featuriser;
import io.earthmover.model.FastScorer;
import io.earthmover.model.ModelBundle;
import io.earthmover.model.ScoreResult;
import io.earthmover.testutil.TestBundles;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The alarm seed is fitted to the surprise as the scorer's likelihood will average it. */
class AlarmSeedingTest {
    private static final double[] MIN = {-5, -5};
    private static final double[] MAX = {5, 5};

    private static double[][] rows() {
        Random rnd = new Random(3);
        double[][] rows = new double[400][2];
        for (double[] r : rows) {
            r[0] = rnd.nextGaussian();
            r[1] = 3 * rnd.nextGaussian();
        }
        return rows;
    }

    /** The surprises of one-record windows, squashed, computed here from the bundle's parts. */
    private static double[] surprises(ModelBundle b, double[][] rows, AlarmPolicy.Squash squash) {
        Featuriser f = b.featuriser();
        FastScorer scorer = b.newScorer(0);
        ScoreResult r = new ScoreResult(0);
        float[] input = new float[f.inputSize()];
        double[] out = new double[rows.length];
        for (int i = 0; i < rows.length; i++) {
            f.featurise(new double[][] {rows[i]}, input);
            scorer.score(input, r);
            out[i] = squash.apply(b.surprise(r.critic));
        }
        return out;
    }

    @Test
    void theSeedDescribesTheSquashedSurpriseTheLikelihoodWillAverage() throws Exception {
        ModelBundle b = TestBundles.bundle(List.of("a", "b"), true, 1, 5);
        double[][] rows = rows();
        for (AlarmPolicy.Squash squash : AlarmPolicy.Squash.values()) {
            AlarmSeed got = AlarmSeeding.seeded(b, List.<double[][]>of(rows), MIN, MAX, null, 10, squash).alarmSeed();
            // squashed here, averaged by a fit that squashes nothing more
            AlarmSeed want = AlarmSeed.fit(List.of(surprises(b, rows, squash)), 10, AlarmPolicy.Squash.NONE, MIN, MAX);
            assertThat(got.surpriseMean()).as(squash.name()).isCloseTo(want.surpriseMean(), within(1e-12));
            assertThat(got.surpriseStd()).as(squash.name()).isCloseTo(want.surpriseStd(), within(1e-12));
            assertThat(got.squash()).as("the seed records its squash").isEqualTo(squash);
            assertThat(got.averaging()).isEqualTo(10);
        }
        AlarmSeed plain = AlarmSeeding.seeded(b, List.<double[][]>of(rows), MIN, MAX, null, 10, AlarmPolicy.Squash.NONE).alarmSeed();
        AlarmSeed log = AlarmSeeding.seeded(b, List.<double[][]>of(rows), MIN, MAX, null, 10, AlarmPolicy.Squash.LOG).alarmSeed();
        assertThat(log.surpriseStd()).isNotEqualTo(plain.surpriseStd());
    }
}
