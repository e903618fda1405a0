package io.earthmover.harness.eval.tabular;

import static org.assertj.core.api.Assertions.assertThat;

import io.earthmover.harness.eval.DetectorFactory;
import io.earthmover.harness.eval.RcfDetectorFactory;
import io.earthmover.harness.eval.ZScoreDetectorFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TabularEvaluatorTest {
    @TempDir
    Path dir;

    private TabularData separable() throws IOException {
        return toy(6.0);
    }

    private TabularData toy(double anomalyShift) throws IOException {
        Random rnd = new Random(3);
        StringBuilder sb = new StringBuilder("f0,f1,f2,label\n");
        for (int i = 0; i < 400; i++) {
            boolean a = i % 20 == 0;
            double shift = a ? anomalyShift : 0;
            sb.append(rnd.nextGaussian() + shift).append(',').append(rnd.nextGaussian()).append(',')
                    .append(rnd.nextGaussian() - shift).append(',').append(a ? 1 : 0).append('\n');
        }
        Path f = dir.resolve("toy.csv");
        Files.writeString(f, sb.toString());
        return TabularData.load(f);
    }

    @Test
    void loadsFeaturesAndLabel() throws IOException {
        TabularData d = separable();
        assertThat(d.name()).isEqualTo("toy");
        assertThat(d.rows()).hasNumberOfRows(400);
        assertThat(d.rows()[0]).hasSize(3);
        assertThat(d.anomalies()).isEqualTo(20);
    }

    @Test
    void separatesObviousAnomaliesOverEverySeed() throws IOException {
        TabularData d = separable();
        for (DetectorFactory f : List.of(new ZScoreDetectorFactory(), new RcfDetectorFactory())) {
            TabularEvaluator.Result r = new TabularEvaluator(3, 0.5).evaluate(f, d);
            assertThat(r.rocAuc()).hasSize(3);
            assertThat(r.rocMean()).as(f.name()).isGreaterThan(0.95);
            assertThat(r.prMean()).as(f.name()).isGreaterThan(0.5);
            assertThat(r.firstSeedCurve()).isNotEmpty();
        }
    }

    @Test
    void seedsDrawDifferentTrainingShares() throws IOException {
        TabularEvaluator.Result r = new TabularEvaluator(3, 0.5).evaluate(new ZScoreDetectorFactory(), toy(1.0));
        assertThat(r.rocAuc()[0]).isNotEqualTo(r.rocAuc()[1]);
    }
}
