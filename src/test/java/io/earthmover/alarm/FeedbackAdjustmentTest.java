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

    @Test
    void theSameRecordMarkedTwiceRaisesOnceTwoRecordsRaiseTwice() {
        FeedbackAdjustment once = FeedbackAdjustment.NONE.after(FeedbackLabel.FALSE_ALARM, "r1");
        assertThat(once.after(FeedbackLabel.FALSE_ALARM, "r1")).isEqualTo(once);
        assertThat(once.counted("r1")).isTrue();
        assertThat(once.counted("r2")).isFalse();
        assertThat(once.after(FeedbackLabel.FALSE_ALARM, "r2").raise()).isEqualTo(Math.min(FeedbackAdjustment.MAX_RAISE, 2 * FeedbackAdjustment.STEP));
        assertThat(once.after(FeedbackLabel.MISSED_ANOMALY, "r1")).isEqualTo(FeedbackAdjustment.NONE);
    }

    @Test
    void markedIdsSurviveEncodingAndDecayAndTheOldestAreForgotten() {
        FeedbackAdjustment a = FeedbackAdjustment.NONE;
        for (int i = 0; i < FeedbackAdjustment.MAX_MARKED + 3; i++) {
            a = a.after(FeedbackLabel.FALSE_ALARM, "r" + i);
        }
        assertThat(a.marked()).hasSize(FeedbackAdjustment.MAX_MARKED);
        assertThat(a.counted("r0")).isFalse();
        assertThat(a.counted("r" + (FeedbackAdjustment.MAX_MARKED + 2))).isTrue();
        FeedbackAdjustment back = FeedbackAdjustment.decode(a.decayed(10).encode());
        assertThat(back.marked()).isEqualTo(a.marked());
        assertThat(back.raise()).isLessThan(a.raise());
    }

    @Test
    void anEntryFromBeforeDeDuplicationDecodesAsARaiseWithoutIds() {
        byte[] old = java.nio.ByteBuffer.allocate(8).putDouble(0.25).array();
        FeedbackAdjustment a = FeedbackAdjustment.decode(old);
        assertThat(a.raise()).isEqualTo(0.25);
        assertThat(a.marked()).isEmpty();
        assertThat(FeedbackAdjustment.decode(new byte[12])).isEqualTo(FeedbackAdjustment.NONE);
    }
}
