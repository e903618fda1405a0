package io.earthmover.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.earthmover.record.ErrorCode;
import io.earthmover.record.ParsedRecord;
import java.util.List;
import org.junit.jupiter.api.Test;

class FeaturiserTest {
    private static final List<double[]> ROWS = List.of(new double[] {1, 10, 5}, new double[] {3, 20, 5},
            new double[] {5, 60, 5}, new double[] {7, 30, 5});

    @Test
    void namedSchemaSortsNamesAndMatchesValuesByName() {
        FeatureSchema s = FeatureSchema.named(List.of("mem", "cpu", "disk"));
        assertThat(s.names()).containsExactly("cpu", "disk", "mem");
        VectorResult r = s.vectorise(new ParsedRecord(null, 0, new String[] {"mem", "disk", "cpu"}, new double[] {3, 2, 1}));
        assertThat(((VectorResult.Ok) r).values()).containsExactly(1, 2, 3);
    }

    @Test
    void rejectsRecordsThatDoNotFitTheSchema() {
        FeatureSchema named = FeatureSchema.named(List.of("a", "b"));
        FeatureSchema pos = FeatureSchema.positional(2);
        assertThat(code(named.vectorise(new ParsedRecord(null, 0, new String[] {"a", "c"}, new double[] {1, 2}))))
                .isEqualTo(ErrorCode.UNKNOWN_FEATURE);
        VectorResult missing = named.vectorise(new ParsedRecord(null, 0, new String[] {"a"}, new double[] {1}));
        assertThat(code(missing)).isEqualTo(ErrorCode.MISSING_FEATURES);
        assertThat(((VectorResult.Bad) missing).message()).contains("b");
        assertThat(code(named.vectorise(new ParsedRecord(null, 0, null, new double[] {1, 2})))).isEqualTo(ErrorCode.WRONG_TYPE);
        assertThat(code(pos.vectorise(new ParsedRecord(null, 0, new String[] {"a", "b"}, new double[] {1, 2})))).isEqualTo(ErrorCode.WRONG_TYPE);
        assertThat(code(pos.vectorise(new ParsedRecord(null, 0, null, new double[] {1, 2, 3})))).isEqualTo(ErrorCode.WRONG_DIMENSION);
        assertThat(pos.vectorise(new ParsedRecord(null, 0, null, new double[] {1, 2}))).isInstanceOf(VectorResult.Ok.class);
    }

    @Test
    void infersSchemaFromFirstRecord() {
        assertThat(FeatureSchema.inferFrom(new ParsedRecord(null, 0, null, new double[] {1, 2, 3})))
                .isEqualTo(FeatureSchema.positional(3));
        assertThat(FeatureSchema.inferFrom(new ParsedRecord(null, 0, new String[] {"z", "a"}, new double[] {1, 2})).names())
                .containsExactly("a", "z");
    }

    @Test
    void constantFeatureGetsTheScaleFloorInBothNormalisersSoAnyDepartureStandsOut() {
        for (Normaliser n : List.of(Normaliser.fitStandard(ROWS), Normaliser.fitRobust(ROWS))) {
            assertThat(n.scale(2)).isEqualTo(Normaliser.scaleFloor(5)).isCloseTo(5e-6, org.assertj.core.data.Offset.offset(1e-18));
            assertThat(n.apply(2, 5)).isEqualTo(0.0);
            // a departure of a ten-thousandth of the level is 100 normalised units: far outside the training data
            assertThat(Math.abs(n.apply(2, 5.0005))).isGreaterThan(50);
            assertThat(Math.abs(n.apply(2, 4.9995))).isGreaterThan(50);
            assertThat(n.scale(0)).isGreaterThan(0);
        }
        Normaliser std = Normaliser.fitStandard(ROWS);
        assertThat(std.centre(0)).isEqualTo(4.0);
        assertThat(std.scale(0)).isCloseTo(Math.sqrt(5), org.assertj.core.data.Offset.offset(1e-12));
        Normaliser rob = Normaliser.fitRobust(ROWS);
        assertThat(rob.centre(1)).isEqualTo(25.0);
    }

    @Test
    void windowOneIsExactlyTheNormalisedVector() {
        Normaliser n = Normaliser.fitStandard(ROWS);
        Featuriser f = new Featuriser(FeatureSchema.positional(3), 1, false, n);
        assertThat(f.historyLength()).isEqualTo(1);
        assertThat(f.inputSize()).isEqualTo(3);
        float[] out = new float[3];
        f.featurise(new double[][] {{7, 30, 5}}, out);
        for (int j = 0; j < 3; j++) {
            assertThat(out[j]).isEqualTo((float) n.apply(j, new double[] {7, 30, 5}[j]));
        }
        assertThat(f.inputName(1)).isEqualTo("f1");
    }

    @Test
    void aSquashedFeatureHasEveryValueAndDifferenceThroughAsinhOthersStayLinearAndNormalisedOfUndoesIt() {
        Normaliser n = Normaliser.fitStandard(ROWS);
        FeatureSchema s = FeatureSchema.named(List.of("a", "b", "c"));
        Featuriser plain = new Featuriser(s, 2, true, n);
        Featuriser squashed = new Featuriser(s, 2, true, n, new boolean[] {true, true, false});
        assertThat(plain.anySquashed()).isFalse();
        assertThat(squashed.anySquashed()).isTrue();
        double[][] h = {ROWS.get(0), ROWS.get(1), ROWS.get(2)};
        float[] p = new float[12];
        float[] q = new float[12];
        plain.featurise(h, p);
        squashed.featurise(h, q);
        for (int i = 0; i < 12; i++) {
            int f = squashed.featureOf(i);
            double want = f == 2 ? p[i] : Squash.apply(p[i]);
            assertThat((double) q[i]).as("input %d", i).isCloseTo(want, org.assertj.core.data.Offset.offset(1e-6));
            assertThat(squashed.normalisedOf(f, q[i])).isCloseTo(p[i], org.assertj.core.data.Offset.offset(1e-5));
        }
        assertThat(Math.abs(q[3 + 1])).isLessThan(Math.abs(p[3 + 1]));
    }

    @Test
    void windowWithDifferencesConcatenatesOldestFirstAndNamesInputs() {
        Normaliser n = Normaliser.fitStandard(ROWS);
        FeatureSchema s = FeatureSchema.named(List.of("a", "b", "c"));
        Featuriser f = new Featuriser(s, 2, true, n);
        assertThat(f.historyLength()).isEqualTo(3);
        assertThat(f.inputSize()).isEqualTo(12);
        double[][] h = {ROWS.get(0), ROWS.get(1), ROWS.get(2)};
        float[] out = new float[12];
        f.featurise(h, out);
        // input 0: feature a at lag 1 (the middle vector); input 3: a at lag 0 (newest)
        assertThat(out[0]).isEqualTo((float) n.apply(0, 3));
        assertThat(out[3]).isEqualTo((float) n.apply(0, 5));
        // differences: d.b at lag 0 = (60 - 20) / scale_b
        assertThat(out[6 + 3 + 1]).isEqualTo((float) (40 / n.scale(1)));
        assertThat(f.inputName(0)).isEqualTo("a@t-1");
        assertThat(f.inputName(4)).isEqualTo("b@t");
        assertThat(f.inputName(7)).isEqualTo("d.b@t-1");
        assertThat(f.featureOf(7)).isEqualTo(1);
        assertThat(f.lagOf(7)).isEqualTo(1);
        assertThat(f.lagOf(10)).isEqualTo(0);
        assertThatThrownBy(() -> f.featurise(new double[][] {ROWS.get(0)}, out)).isInstanceOf(IllegalArgumentException.class);
    }

    private static ErrorCode code(VectorResult r) {
        return ((VectorResult.Bad) r).code();
    }

    @Test
    void aLevelFreeFeatureEntersByItsDifferencesAloneAndTheOthersAreUnchanged() {
        FeatureSchema schema = FeatureSchema.positional(3);
        Normaliser norm = Normaliser.fit("standard", ROWS);
        Featuriser plain = new Featuriser(schema, 2, true, norm);
        Featuriser free = new Featuriser(schema, 2, true, norm, null, new boolean[] {false, true, false});
        double[][] history = {ROWS.get(0), ROWS.get(1), ROWS.get(2)};
        float[] a = new float[plain.inputSize()];
        float[] b = new float[free.inputSize()];
        plain.featurise(history, a);
        free.featurise(history, b);
        assertThat(free.inputSize()).isEqualTo(plain.inputSize());
        for (int i = 0; i < a.length; i++) {
            boolean dropped = free.featureOf(i) == 1 && !free.isDifference(i);
            assertThat(b[i]).as("input %s", free.inputName(i)).isEqualTo(dropped ? 0f : a[i]);
        }
        assertThat(a[free.newestInput(1)]).as("the plain featuriser does carry feature 1's level").isNotZero();
        // the same changes at another level give the same input
        double[][] shifted = new double[3][];
        for (int p = 0; p < 3; p++) {
            shifted[p] = history[p].clone();
            shifted[p][1] += 1e4;
        }
        float[] c = new float[free.inputSize()];
        free.featurise(shifted, c);
        assertThat(c).containsExactly(b);
        assertThat(free.levelFree(1)).isTrue();
        assertThat(free.anyLevelFree()).isTrue();
        assertThat(plain.anyLevelFree()).isFalse();
    }

    @Test
    void levelFreeMarksNeedDifferencesAndOneMarkPerFeature() {
        FeatureSchema schema = FeatureSchema.positional(3);
        Normaliser norm = Normaliser.fit("standard", ROWS);
        assertThatThrownBy(() -> new Featuriser(schema, 2, false, norm, null, new boolean[] {true, false, false}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("need differences");
        assertThatThrownBy(() -> new Featuriser(schema, 2, true, norm, null, new boolean[] {true}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("level-free marks 1 features");
    }
}
