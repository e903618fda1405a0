package io.earthmover.alarm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class FeedbackAdjustmentTest {
    @Test
    void eachFalseAlarmRaisesByOneStepUpToTheBound() {
        FeedbackAdjustment a = FeedbackAdjustment.NONE.after(FeedbackLabel.FALSE_ALARM);
        assertThat(a.raise()).isEqualTo(FeedbackAdjustment.STEP);
        FeedbackAdjustment b = a.after(FeedbackLabel.FALSE_ALARM);
        assertThat(b.raise()).isEqualTo(Math.min(FeedbackAdjustment.MAX_RAISE, 2 * FeedbackAdjustment.STEP));
        FeedbackAdjustment many = b;
        for (int i = 0; i < 10; i++) {
            many = many.after(FeedbackLabel.FALSE_ALARM);
        }
        assertThat(many.raise()).isEqualTo(FeedbackAdjustment.MAX_RAISE);
    }

    @Test
    void theBoundKeepsTheDefaultThresholdBelowTheRulesLevel() {
        // the range and frozen-value rules alarm at level 1: a raised key must still alarm on them
        assertThat(ConfigDefaults.ALARM_THRESHOLD + FeedbackAdjustment.MAX_RAISE).isLessThan(1.0);
    }

    @Test
    void theRaiseHalvesEveryHalfLifeOfRecords() {
        FeedbackAdjustment a = new FeedbackAdjustment(0.4);
        assertThat(a.decayed(FeedbackAdjustment.HALF_LIFE_RECORDS).raise()).isCloseTo(0.2, within(1e-9));
        assertThat(a.decayed(2L * FeedbackAdjustment.HALF_LIFE_RECORDS).raise()).isCloseTo(0.1, within(1e-9));
        assertThat(a.decayed(0).raise()).isEqualTo(0.4);
    }

    @Test
    void oneRecordAtATimeDecaysAsManyAtOnce() {
        FeedbackAdjustment stepwise = new FeedbackAdjustment(0.45);
        for (int i = 0; i < 500; i++) {
            stepwise = stepwise.decayed(1);
        }
        assertThat(stepwise.raise()).isCloseTo(new FeedbackAdjustment(0.45).decayed(500).raise(), within(1e-12));
    }

    @Test
    void aRaiseDecaysBackToNoneAndIsForgotten() {
        FeedbackAdjustment a = new FeedbackAdjustment(FeedbackAdjustment.MAX_RAISE).decayed(20L * FeedbackAdjustment.HALF_LIFE_RECORDS);
        assertThat(a.isNone()).isTrue();
        assertThat(a).isEqualTo(FeedbackAdjustment.NONE);
    }

    @Test
    void aMissedAnomalyDropsTheRaise() {
        FeedbackAdjustment a = FeedbackAdjustment.NONE.after(FeedbackLabel.FALSE_ALARM).after(FeedbackLabel.MISSED_ANOMALY);
        assertThat(a.isNone()).isTrue();
    }

    @Test
    void encodesAndDecodesAndRejectsForeignBytes() {
        FeedbackAdjustment a = new FeedbackAdjustment(0.3125);
        assertThat(FeedbackAdjustment.decode(a.encode())).isEqualTo(a);
        assertThat(FeedbackAdjustment.decode(null)).isEqualTo(FeedbackAdjustment.NONE);
        assertThat(FeedbackAdjustment.decode(new byte[3])).isEqualTo(FeedbackAdjustment.NONE);
        assertThat(FeedbackAdjustment.decode(java.nio.ByteBuffer.allocate(8).putDouble(7.0).array()))
                .isEqualTo(FeedbackAdjustment.NONE);
    }

    @Test
    void labelsParseFromTheirWireNamesOnly() {
        assertThat(FeedbackLabel.parse("false_alarm")).contains(FeedbackLabel.FALSE_ALARM);
        assertThat(FeedbackLabel.parse("missed_anomaly")).contains(FeedbackLabel.MISSED_ANOMALY);
        assertThat(FeedbackLabel.parse("FALSE_ALARM")).isEmpty();
        assertThat(FeedbackLabel.parse(null)).isEmpty();
    }

    private static final class ConfigDefaults {
        static final double ALARM_THRESHOLD = io.earthmover.config.ConfigKeys.ALARM_THRESHOLD.defaultValue();
    }
}
