package io.earthmover.alarm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class AlarmSeedTest {
    private static final double[] MIN = {0};
    private static final double[] MAX = {1};

    private static AlarmPolicy policy(boolean enabled, int averaging, AlarmPolicy.Squash squash) {
        return new AlarmPolicy(enabled, AlarmPolicy.Signal.LIKELIHOOD, 0.5, averaging, 8640, 100, true, 0.05, 1, 1, 10, 0.25,
                true, false, 0, AlarmPolicy.Tail.BOTH, 0, false, squash);
    }

    @Test
    void theFitSquashesEachSurpriseBeforeItsAverageAndRecordsHow() {
        double[] s = {0.5, -2, 9, 1};
        AlarmSeed log = AlarmSeed.fit(List.of(s), 1, AlarmPolicy.Squash.LOG, MIN, MAX);
        double mean = 0;
        for (double v : s) {
            mean += Math.signum(v) * Math.log(1 + Math.abs(v)) / s.length;
        }
        assertThat(log.surpriseMean()).isCloseTo(mean, within(1e-12));
        assertThat(log.squash()).isEqualTo(AlarmPolicy.Squash.LOG);
        assertThat(AlarmSeed.fit(List.of(s), 1, AlarmPolicy.Squash.NONE, MIN, MAX).surpriseMean()).isCloseTo(8.5 / 4, within(1e-12));
    }

    @Test
    void aSeedFitsOnlyALikelihoodThatAveragesAndSquashesAsItsFitDid() {
        AlarmSeed seed = AlarmSeed.fit(List.of(new double[] {0.1, 0.4, -0.2, 0.3}), 10, AlarmPolicy.Squash.NONE, MIN, MAX);
        assertThat(seed.mismatch(policy(true, 10, AlarmPolicy.Squash.NONE))).isNull();
        assertThat(seed.mismatch(policy(true, 5, AlarmPolicy.Squash.NONE)))
                .contains("alarm.likelihood.averaging=10", "alarm.likelihood.averaging=5");
        assertThat(seed.mismatch(policy(true, 10, AlarmPolicy.Squash.LOG)))
                .contains("alarm.likelihood.squash=none", "alarm.likelihood.squash=log");
    }

    @Test
    void aSeedWithoutSamplesOrAPolicyWithoutTheAlarmLayerAlwaysFits() {
        assertThat(AlarmSeed.none().mismatch(policy(true, 5, AlarmPolicy.Squash.LOG))).isNull();
        AlarmSeed seed = AlarmSeed.fit(List.of(new double[] {0.1, 0.4}), 10, AlarmPolicy.Squash.NONE, MIN, MAX);
        assertThat(seed.mismatch(policy(false, 5, AlarmPolicy.Squash.LOG))).isNull();
    }

    @Test
    void aSeedWithoutASquashIsAnUnsquashedOne() {
        assertThat(new AlarmSeed(0, 1, 10, 10, MIN, MAX, null, null).squash()).isEqualTo(AlarmPolicy.Squash.NONE);
    }
}
