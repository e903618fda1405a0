package io.earthmover.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.earthmover.config.ConfigKeys;
import io.earthmover.features.FeatureSchema;
import io.earthmover.model.ModelBundle;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class CriticEnsembleTest {
    @Test
    void theAveragedCriticIsTheMeanOfTheStandardisedMembers() {
        Random rng = new Random(3);
        int[] sizes = {5, 7, 6, 1};
        List<Mlp> members = List.of(MlpInit.init(sizes, Mlp.DEFAULT_SLOPE, rng, DataType.FLOAT),
                MlpInit.init(sizes, Mlp.DEFAULT_SLOPE, rng, DataType.FLOAT),
                MlpInit.init(sizes, Mlp.DEFAULT_SLOPE, rng, DataType.FLOAT));
        for (Mlp m : members) {
            for (int l = 0; l < m.layers(); l++) {
                m.bias(l).assign(Nd4j.rand(DataType.FLOAT, 1, m.bias(l).columns()).subi(0.5));
            }
        }
        double[] mean = {0.3, -1.0, 2.0};
        double[] std = {0.5, 2.0, 1.5};
        Mlp avg = CriticEnsemble.average(members, mean, std);
        assertThat(avg.sizes()).containsExactly(5, 21, 18, 1);
        INDArray x = Nd4j.randn(DataType.FLOAT, 40, 5).muli(2);
        INDArray got = avg.output(x);
        for (int r = 0; r < 40; r++) {
            double expected = 0;
            for (int i = 0; i < 3; i++) {
                expected += (members.get(i).output(x).getDouble(r, 0) - mean[i]) / std[i] / 3;
            }
            assertThat(got.getDouble(r, 0)).as("row %d", r).isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-5));
        }
    }

    @Test
    void anEnsembleTrainsIntoOneBundleWhoseCriticIsKTimesWider() throws Exception {
        TrainingSettings s = ModelTrainerTest.fast(20).with(ConfigKeys.TRAIN_ENSEMBLE, 3);
        ModelBundle b = new ModelTrainer().fit(TrainingData.oneSeries(TrainingData.mixture2d(500, new Random(1))),
                FeatureSchema.positional(2), s, Map.of(), null).bundle();
        assertThat(b.manifest().architecture().critic()).containsExactly(2, 96, 96, 1);
        // the holdout-standardised mean: the holdout critic values are centred near 0 with spread near 1
        assertThat(b.holdoutCriticMean()).isCloseTo(0, org.assertj.core.data.Offset.offset(1e-3));
        assertThat(b.holdoutCriticStd()).isBetween(0.3, 1.0);
        // a single critic trains as before: member 1 of the ensemble is that critic
        ModelBundle single = new ModelTrainer().fit(TrainingData.oneSeries(TrainingData.mixture2d(500, new Random(1))),
                FeatureSchema.positional(2), ModelTrainerTest.fast(20), Map.of(), null).bundle();
        assertThat(single.manifest().architecture().critic()).containsExactly(2, 32, 32, 1);
    }

    @Test
    void anEnsembleWithLayerNormIsRefusedNamingBothKeys() {
        assertThatThrownBy(() -> ModelTrainerTest.fast(5).with(ConfigKeys.TRAIN_LAYER_NORM, true).with(ConfigKeys.TRAIN_ENSEMBLE, 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("train.ensemble.size").hasMessageContaining("train.critic.layer.norm");
    }
}
