package io.earthmover.harness.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.amazon.randomcutforest.RandomCutForest;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RcfDetectorTest {
    private static RandomCutForest forest(long seed) {
        return RandomCutForest.builder().dimensions(4).shingleSize(4).internalShinglingEnabled(true).randomSeed(seed)
                .build();
    }

    @Test
    void mapsTheRawScoreByLog2OfTheSampleSizeAndLearnsAfterScoring() {
        RandomCutForest reference = forest(11);
        RcfDetector detector = new RcfDetector(forest(11), true, RandomCutForest.DEFAULT_SAMPLE_SIZE);
        Random rnd = new Random(2);
        double scale = Math.log(RandomCutForest.DEFAULT_SAMPLE_SIZE) / Math.log(2);
        for (int i = 0; i < 400; i++) {
            double[] p = {rnd.nextGaussian() + (i == 390 ? 30 : 0)};
            float[] f = {(float) p[0]};
            double raw = reference.getAnomalyScore(f);
            reference.update(f);
            assertThat(detector.score(i, p)).isCloseTo(Math.min(1.0, raw / scale), within(1e-12));
        }
    }

    @Test
    void frozenDetectorDoesNotLearnFromScoredRows() {
        RcfDetector d = new RcfDetector(RandomCutForest.builder().dimensions(1).randomSeed(3).build(), false,
                RandomCutForest.DEFAULT_SAMPLE_SIZE);
        Random rnd = new Random(4);
        List<double[]> train = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            train.add(new double[] {rnd.nextGaussian()});
        }
        assertThat(d.train(train)).isEmpty();
        double first = d.score(0, new double[] {25.0});
        for (int i = 0; i < 50; i++) {
            d.score(i, new double[] {25.0});
        }
        assertThat(d.score(99, new double[] {25.0})).isEqualTo(first);
    }
}
