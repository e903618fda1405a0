package io.earthmover.harness.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DetectorsTest {
    @Test
    void resolvesNamesInOrderAndRejectsUnknownOnes() {
        Detectors d = Detectors.builtIn(WganDetectorFactory.builtIn(Profile.TABULAR, ServedField.NEGATED_CRITIC));
        assertThat(d.resolve("zscore, rcf,wgan")).extracting(DetectorFactory::name).containsExactly("zscore", "rcf", "wgan");
        assertThat(d.names()).containsExactly("wgan", "rcf", "zscore");
        assertThatThrownBy(() -> d.resolve("rcf,gan")).hasMessageContaining("unknown detector 'gan'");
    }

    @Test
    void everyBuiltInDetectorScoresASpikeAboveTheNoiseInZeroToOne() {
        for (DetectorFactory f : Detectors.builtIn(WganDetectorFactory.builtIn(Profile.TABULAR, ServedField.NEGATED_CRITIC))
                .resolve("rcf,zscore")) {
            for (boolean streaming : new boolean[] {true, false}) {
                Detector det = f.create(new DetectorSpec(2, streaming, 7));
                Random rnd = new Random(1);
                List<double[]> train = new ArrayList<>();
                for (int i = 0; i < 400; i++) {
                    train.add(new double[] {rnd.nextGaussian(), rnd.nextGaussian()});
                }
                double[] calib = det.train(train);
                assertThat(calib).hasSize(streaming ? 200 : 0);
                double maxNormal = 0;
                for (int i = 0; i < 50; i++) {
                    maxNormal = Math.max(maxNormal, det.score(i, new double[] {0.1 * rnd.nextGaussian(), 0.0}));
                }
                double spike = det.score(99, new double[] {12.0, -12.0});
                assertThat(spike).as("%s streaming=%s", f.name(), streaming).isGreaterThan(maxNormal)
                        .isBetween(0.0, 1.0);
            }
        }
    }
}
