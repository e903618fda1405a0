package io.earthmover.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.earthmover.record.ParsedRecord;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The derived time-of-day features ({@code features.time.of.day}): values, names, and the manifest's encoding. */
class FeatureSchemaTimeOfDayTest {
    private static final FeatureSchema NAMED = FeatureSchema.named(List.of("cpu", "mem")).withTimeOfDay(true);

    private static double[] vector(FeatureSchema s, String isoTime, String[] names, double... values) {
        long ts = Instant.parse(isoTime).toEpochMilli();
        VectorResult r = s.vectorise(new ParsedRecord("r", ts, names, values));
        assertThat(r).isInstanceOf(VectorResult.Ok.class);
        return ((VectorResult.Ok) r).values();
    }

    @Test
    void theRecordsValuesAreFollowedByTheSineAndCosineOfItsUtcTimeOfDay() {
        String[] names = {"mem", "cpu"}; // record order differs from schema order
        assertThat(vector(NAMED, "2026-01-05T06:00:00Z", names, 2, 1)).containsExactly(new double[] {1, 2, 1, 0}, within(1e-12));
        assertThat(vector(NAMED, "2026-01-05T00:00:00Z", names, 2, 1)).containsExactly(new double[] {1, 2, 0, 1}, within(1e-12));
        assertThat(vector(NAMED, "2026-01-05T18:00:00Z", names, 2, 1)).containsExactly(new double[] {1, 2, -1, 0}, within(1e-12));
        // the same time of day on another date, and before 1970, gives the same values
        assertThat(vector(NAMED, "1969-12-31T06:00:00Z", names, 2, 1)).containsExactly(new double[] {1, 2, 1, 0}, within(1e-12));
    }

    @Test
    void positionalRecordsGetThemToo() {
        FeatureSchema s = FeatureSchema.positional(1).withTimeOfDay(true);
        double[] v = vector(s, "2026-01-05T12:00:00Z", null, 7.5);
        assertThat(v).containsExactly(new double[] {7.5, 0, -1}, within(1e-12));
        assertThat(s.names()).containsExactly("f0", FeatureSchema.TIME_SIN, FeatureSchema.TIME_COS);
        assertThat(s.size()).isEqualTo(3);
        assertThat(s.recordSize()).isEqualTo(1);
    }

    @Test
    void withoutTheOptionTheVectorIsTheRecordsOwn() {
        FeatureSchema s = FeatureSchema.positional(1);
        assertThat(vector(s, "2026-01-05T12:00:00Z", null, 7.5)).containsExactly(7.5);
        assertThat(s.size()).isEqualTo(s.recordSize());
    }

    @Test
    void aRecordCannotSupplyTheDerivedFeaturesItself() {
        long ts = 0;
        VectorResult r = NAMED.vectorise(new ParsedRecord("r", ts, new String[] {"cpu", "mem", "time.sin"}, new double[] {1, 2, 3}));
        assertThat(r).isInstanceOf(VectorResult.Bad.class);
        assertThat(((VectorResult.Bad) r).message()).contains("time.sin");
        assertThatThrownBy(() -> FeatureSchema.named(List.of("cpu", "time.sin")).withTimeOfDay(true))
                .hasMessageContaining("features.time.of.day");
    }

    @Test
    void theManifestsNameListRoundTripsAndIsNotMistakenForRecordNames() {
        assertThat(FeatureSchema.ofModelNames(NAMED.names(), true)).isEqualTo(NAMED);
        FeatureSchema positional = FeatureSchema.positional(3).withTimeOfDay(true);
        assertThat(FeatureSchema.ofModelNames(positional.names(), false)).isEqualTo(positional);
        // record features named like the derived ones, as a sorted named schema must order them
        FeatureSchema look = FeatureSchema.named(List.of("a", "time.cos", "time.sin"));
        assertThat(FeatureSchema.ofModelNames(look.names(), true)).isEqualTo(look);
        assertThat(FeatureSchema.ofModelNames(look.names(), true).timeOfDay()).isFalse();
    }
}
