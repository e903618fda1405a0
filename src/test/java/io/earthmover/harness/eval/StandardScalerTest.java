package io.earthmover.harness.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StandardScalerTest {
    @Test
    void scalesByThePopulationStd() {
        StandardScaler s = StandardScaler.fit(List.of(new double[] {1, 10}, new double[] {3, 10}));
        assertThat(s.transform(new double[] {5, 10})).containsExactly(3.0, 0.0);
    }

    @Test
    void aFeatureConstantUpToFloatRoundingGetsStdOneAsInScikitLearn() {
        // the mean of 800 copies of this value is not exactly the value: the naive std is ~1e-15
        double v = -0.06140064449540183;
        List<double[]> rows = new ArrayList<>();
        for (int i = 0; i < 800; i++) {
            rows.add(new double[] {v, i % 2});
        }
        double[] t = StandardScaler.fit(rows).transform(new double[] {13.07, 1});
        assertThat(t[0]).isCloseTo(13.07 - v, within(1e-9));
        assertThat(t[1]).isEqualTo(1.0);
    }
}
