package io.earthmover.alarm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class KeyAlarmTest {
    private static final double[] IN_RANGE = {0.0};

    private static AlarmPolicy policy(boolean range, int k, int n, int refractory, AlarmPolicy.Signal signal) {
        return new AlarmPolicy(true, signal, 0.5, 10, 8640, 100, range, 0.05, k, n, refractory,
                signal == AlarmPolicy.Signal.SCORE ? 1.01 : 0.25, true);
    }

    private static AlarmPolicy likelihoodOnly() {
        return policy(false, 1, 1, 10, AlarmPolicy.Signal.LIKELIHOOD);
    }

    private static AlarmSeed seed(double mean, double std, long samples) {
        return new AlarmSeed(mean, std, samples, 10, new double[] {-1}, new double[] {1});
    }

    /** Indices of the records that alarmed. */
    private static List<Integer> alarms(KeyAlarm a, double[] surprises) {
        AlarmResult r = new AlarmResult();
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < surprises.length; i++) {
            a.next(surprises[i], 0.5, 0.99, IN_RANGE, r);
            assertThat(r.anomaly).isEqualTo(r.alarmScore >= r.threshold);
            if (r.anomaly) {
                out.add(i);
            }
        }
        return out;
    }

    private static double[] noise(int n, long seed) {
        Random rnd = new Random(seed);
        double[] s = new double[n];
        for (int i = 0; i < n; i++) {
            s[i] = rnd.nextGaussian();
        }
        return s;
    }

    @Test
    void aLastingShiftAlarmsOnceNearItsStart() {
        double[] s = noise(3300, 1);
        for (int i = 3000; i < s.length; i++) {
            s[i] += 6;
        }
        KeyAlarm a = new KeyAlarm(likelihoodOnly(), 1);
        a.reset(seed(0, 0.3, 2000));
        List<Integer> fired = alarms(a, s);
        assertThat(fired).filteredOn(i -> i >= 3000).hasSize(1);
        assertThat(fired.stream().filter(i -> i >= 3000).findFirst().orElseThrow()).isLessThan(3010);
    }

    @Test
    void noiseRarelyAlarms() {
        KeyAlarm a = new KeyAlarm(likelihoodOnly(), 1);
        a.reset(AlarmSeed.none());
        assertThat(alarms(a, noise(50_000, 2))).hasSizeLessThan(10);
    }

    @Test
    void aSeededKeyIsActiveFromItsFirstRecordAndAnUnseededOneWaitsForItsFirstBlock() {
        AlarmResult r = new AlarmResult();
        KeyAlarm seeded = new KeyAlarm(likelihoodOnly(), 1);
        seeded.reset(seed(0, 0.3, 1000));
        seeded.next(50, 0.5, 0.99, IN_RANGE, r);
        assertThat(r.likelihood).isGreaterThan(0.5);
        assertThat(r.anomaly).isTrue();
        assertThat(r.reason).isEqualTo(AlarmResult.Reason.LIKELIHOOD);

        KeyAlarm fresh = new KeyAlarm(likelihoodOnly(), 1);
        fresh.reset(AlarmSeed.none());
        fresh.next(50, 0.5, 0.99, IN_RANGE, r);
        assertThat(r.likelihood).isEqualTo(SurpriseLikelihood.PROBATION);
        assertThat(r.anomaly).isFalse();
    }

    @Test
    void keysWithDifferentLevelsShareOneThreshold() {
        // a key whose critic sits 3 holdout std below the model's (surprise ~ 3) is normal for itself
        double[] level3 = noise(5000, 3);
        for (int i = 0; i < level3.length; i++) {
            level3[i] = 3 + 0.5 * level3[i];
        }
        KeyAlarm a = new KeyAlarm(likelihoodOnly(), 1);
        a.reset(AlarmSeed.none());
        assertThat(alarms(a, level3)).hasSizeLessThan(5);
    }

    @Test
    void theRangeRuleFiresOnTheFirstValueOutsideTheRangeAndTheRangeGrows() {
        KeyAlarm a = new KeyAlarm(policy(true, 1, 1, 0, AlarmPolicy.Signal.LIKELIHOOD), 1);
        a.reset(seed(0, 1, 1000)); // training range [-1, 1]: tolerance 0.05 * 2 = 0.1
        AlarmResult r = new AlarmResult();
        a.next(0, 0.5, 0.99, new double[] {1.09}, r);
        assertThat(r.anomaly).isFalse();
        a.next(0, 0.5, 0.99, new double[] {1.5}, r);
        assertThat(r.anomaly).isTrue();
        assertThat(r.reason).isEqualTo(AlarmResult.Reason.RANGE);
        assertThat(r.alarmScore).isEqualTo(1.0);
        a.next(0, 0.5, 0.99, new double[] {1.5}, r);
        assertThat(r.anomaly).as("1.5 is inside the range now").isFalse();
        a.next(0, 0.5, 0.99, new double[] {-1.3}, r);
        assertThat(r.anomaly).as("-1.3 is beyond min - 0.05 * 2.5").isTrue();
    }

    @Test
    void persistenceNeedsKOfTheLastNRecords() {
        KeyAlarm a = new KeyAlarm(policy(false, 2, 3, 0, AlarmPolicy.Signal.SCORE), 1);
        a.reset(AlarmSeed.none());
        AlarmResult r = new AlarmResult();
        double[] scores = {0.1, 0.999, 0.1, 0.1, 0.999, 0.1, 0.999, 0.1};
        boolean[] expected = {false, false, false, false, false, false, true, false};
        for (int i = 0; i < scores.length; i++) {
            a.next(0, scores[i], 0.99, IN_RANGE, r);
            assertThat(r.anomaly).as("record %d", i).isEqualTo(expected[i]);
        }
    }

    @Test
    void theRefractoryPeriodMasksAlarmsAfterAnAlarm() {
        KeyAlarm a = new KeyAlarm(policy(false, 1, 1, 3, AlarmPolicy.Signal.SCORE), 1);
        a.reset(AlarmSeed.none());
        AlarmResult r = new AlarmResult();
        boolean[] got = new boolean[6];
        double[] alarmScores = new double[6];
        for (int i = 0; i < 6; i++) {
            a.next(0, 0.999, 0.99, IN_RANGE, r);
            got[i] = r.anomaly;
            alarmScores[i] = r.alarmScore;
        }
        assertThat(got).containsExactly(true, false, false, false, true, false);
        assertThat(alarmScores[1]).isZero();
    }

    @Test
    void storedAndLoadedStateContinuesExactlyAsAnUninterruptedOne() {
        double[] s = noise(1500, 4);
        for (int i = 1200; i < 1300; i++) {
            s[i] += 8;
        }
        AlarmPolicy p = policy(true, 2, 3, 5, AlarmPolicy.Signal.LIKELIHOOD);
        KeyAlarm straight = new KeyAlarm(p, 1);
        straight.reset(seed(0, 0.3, 500));
        KeyAlarm restarted = new KeyAlarm(p, 1);
        restarted.reset(seed(0, 0.3, 500));
        AlarmResult a = new AlarmResult();
        AlarmResult b = new AlarmResult();
        for (int i = 0; i < s.length; i++) {
            double[] raw = {s[i] / 4};
            straight.next(s[i], 0.5, 0.99, raw, a);
            if (i % 97 == 0) {
                ByteBuffer buf = ByteBuffer.allocate(restarted.storedSize());
                restarted.store(buf);
                assertThat(buf.hasRemaining()).as("storedSize is exact").isFalse();
                restarted = new KeyAlarm(p, 1);
                assertThat(restarted.load(ByteBuffer.wrap(buf.array()))).isTrue();
            }
            restarted.next(s[i], 0.5, 0.99, raw, b);
            assertThat(b.likelihood).as("record %d", i).isEqualTo(a.likelihood);
            assertThat(b.alarmScore).isEqualTo(a.alarmScore);
            assertThat(b.anomaly).isEqualTo(a.anomaly);
            assertThat(b.reason).isEqualTo(a.reason);
        }
    }

    @Test
    void stateStaysUnderTwoKilobytesWhateverTheHistoryLength() {
        KeyAlarm a = new KeyAlarm(new AlarmPolicy(true, AlarmPolicy.Signal.LIKELIHOOD, 0.5, 10, 8640, 100, true, 0.05,
                1, 1, 10, 0.25, true), 32);
        a.reset(AlarmSeed.none());
        AlarmResult r = new AlarmResult();
        double[] raw = new double[32];
        int at10k = 0;
        for (int i = 0; i < 100_000; i++) {
            a.next(0.01 * (i % 7), 0.5, 0.99, raw, r);
            if (i == 10_000) {
                at10k = a.storedSize();
            }
        }
        assertThat(a.storedSize()).isEqualTo(at10k).isLessThanOrEqualTo(2048);
    }

    @Test
    void stateOfAnotherShapeIsNotLoaded() {
        KeyAlarm a = new KeyAlarm(likelihoodOnly(), 1);
        a.reset(AlarmSeed.none());
        ByteBuffer buf = ByteBuffer.allocate(a.storedSize());
        a.store(buf);
        KeyAlarm twoFeatures = new KeyAlarm(likelihoodOnly(), 2);
        assertThat(twoFeatures.load(ByteBuffer.wrap(buf.array()))).isFalse();
    }

    @Test
    void theSeedIsTheDistributionOfTheAveragedSurprise() {
        double[] s = noise(3000, 5);
        AlarmSeed seed = AlarmSeed.fit(List.of(s), 10, AlarmPolicy.Squash.NONE, new double[] {0}, new double[] {1});
        double[] avg = new double[s.length];
        for (int i = 0; i < s.length; i++) {
            double sum = 0;
            int from = Math.max(0, i - 9);
            for (int j = from; j <= i; j++) {
                sum += s[j];
            }
            avg[i] = sum / (i - from + 1);
        }
        double m = java.util.Arrays.stream(avg).average().orElseThrow();
        double v = java.util.Arrays.stream(avg).map(x -> (x - m) * (x - m)).sum() / avg.length;
        assertThat(seed.surpriseMean()).isCloseTo(m, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(seed.surpriseStd()).isCloseTo(Math.sqrt(v), org.assertj.core.data.Offset.offset(1e-9));
        assertThat(seed.surpriseStd()).isBetween(0.25, 0.4); // about 1/sqrt(10) for independent noise
        assertThat(seed.samples()).isEqualTo(3000);
    }

    @Test
    void anInconsistentPolicyIsRefused() {
        assertThatThrownBy(() -> policy(false, 3, 2, 0, AlarmPolicy.Signal.SCORE)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aValueStuckForLongerThanTrainingEverShowedAlarmsOnceAsFrozen() {
        KeyAlarm a = new KeyAlarm(policy(false, 1, 1, 0, AlarmPolicy.Signal.LIKELIHOOD), 2);
        // in training feature 0 never repeated, feature 1 repeated up to 4 times
        a.reset(new AlarmSeed(0, 0.3, 1000, 10, new double[] {-1, -1}, new double[] {1, 1}).withLongestRun(new int[] {1, 4}));
        AlarmResult r = new AlarmResult();
        List<Integer> frozen = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            double f0 = i < 20 ? 0.01 * i : 0.2; // stuck from record 20 on
            double f1 = (i / 4) * 0.1;           // repeats 4 times, as in training
            a.next(0, 0.5, 0.99, new double[] {f0, f1}, r);
            if (r.anomaly) {
                assertThat(r.reason).isEqualTo(AlarmResult.Reason.FROZEN);
                frozen.add(i);
            }
        }
        // 0.2 first seen at record 20; more than max(5, 2 x 1) repeats is record 25, then the key stays disarmed
        assertThat(frozen).containsExactly(25);
    }

    /** Alarm records of a key whose one feature plateaus for {@code plateaus[p]} records, a new value each time. */
    private static List<Integer> plateauAlarms(boolean learn, int... plateaus) {
        KeyAlarm a = new KeyAlarm(new AlarmPolicy(true, AlarmPolicy.Signal.LIKELIHOOD, 0.5, 10, 8640, 100, false, 0.05, 1, 1,
                0, 0.25, true, false, 0, AlarmPolicy.Tail.BOTH, 0, learn, AlarmPolicy.Squash.NONE), 1);
        // in training the value repeated up to 3 times: the limit starts at max(5, 2 x 3) = 6
        a.reset(new AlarmSeed(0, 0.3, 1000, 10, new double[] {-1}, new double[] {1}).withLongestRun(new int[] {3}));
        AlarmResult r = new AlarmResult();
        List<Integer> alarms = new ArrayList<>();
        int i = 0;
        for (int p = 0; p < plateaus.length; p++) {
            for (int k = 0; k < plateaus[p]; k++, i++) {
                a.next(0, 0.5, 0.99, new double[] {0.01 * p}, r);
                if (r.anomaly) {
                    alarms.add(p);
                }
            }
        }
        return alarms;
    }

    @Test
    void learningTheKeysOwnRunsAPlateauAsLongAsOneBeforeNoLongerAlarmsALongerOneStillDoes() {
        int[] plateaus = {10, 2, 10, 3, 9, 1, 25, 2};
        assertThat(plateauAlarms(false, plateaus)).as("training's limit alone: every plateau beyond 6")
                .containsExactly(0, 2, 4, 6);
        assertThat(plateauAlarms(true, plateaus)).as("after the first plateau of 10 the limit is 20; 25 is beyond it")
                .containsExactly(0, 6);
    }

    @Test
    void theFrozenValueRuleIsOffWhenTheModelDoesNotKnowTheTrainingRuns() {
        KeyAlarm a = new KeyAlarm(policy(false, 1, 1, 0, AlarmPolicy.Signal.LIKELIHOOD), 1);
        a.reset(seed(0, 0.3, 1000));
        assertThat(alarms(a, new double[100])).isEmpty();
    }

    @Test
    void theCompactLikelihoodEqualsNupicsOverTheRawHistoryUntilTheWindowIsFull() {
        // nupic keeps every average (AnomalyLikelihood, the reference); KeyAlarm keeps blocks of 100
        double[] s = noise(8000, 6);
        for (int i = 5000; i < 5200; i++) {
            s[i] += 3;
        }
        AnomalyLikelihood nupic = new AnomalyLikelihood(0, 3 * 100);
        KeyAlarm compact = new KeyAlarm(likelihoodOnly(), 1);
        compact.reset(AlarmSeed.none());
        AlarmResult r = new AlarmResult();
        int red = 0;
        for (int i = 0; i < s.length; i++) {
            double expected = nupic.next(s[i]);
            compact.next(s[i], 0.5, 0.99, IN_RANGE, r);
            assertThat(r.likelihood).as("record %d", i).isCloseTo(expected, offset(1e-4));
            red += expected >= 0.5 ? 1 : 0;
        }
        assertThat(red).as("the comparison covers alarms, not only quiet records").isPositive();
    }
}
