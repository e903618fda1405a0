package io.earthmover.harness.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class MemoryTrendTest {
    private static double[] minutes(int from, int n) {
        double[] m = new double[n];
        for (int i = 0; i < n; i++) {
            m[i] = from + i;
        }
        return m;
    }

    @Test
    void theIssuesRssSeriesRisingEveryMinuteFails() {
        // issue 14: RSS 475 MB at minute 3 to 504 MB at minute 10, a rise every minute, 6 % of the mean
        double[] rss = {475, 479, 482, 486, 490, 494, 499, 504};
        MemoryTrend.Verdict v = MemoryTrend.of(minutes(3, rss.length), rss);
        assertThat(v.rising()).isTrue();
        assertThat(v.reason()).contains("steady");
        assertThat(v.slope()).isBetween(3.5, 4.5);
        assertThat(v.tau()).isEqualTo(1.0);
    }

    @Test
    void aSlowLeakUnderNoiseOverAnHourFails() {
        Random r = new Random(3);
        double[] rss = new double[59];
        for (int i = 0; i < rss.length; i++) {
            rss[i] = 550 + 0.3 * i + r.nextGaussian() * 3;
        }
        MemoryTrend.Verdict v = MemoryTrend.of(minutes(2, rss.length), rss);
        assertThat(v.rising()).as(v.describe("rss")).isTrue();
        assertThat(v.reason()).contains("steady"); // 3 % of the mean over the hour: the share rule alone would pass it
    }

    @Test
    void noiseAroundALevelIsFlat() {
        Random r = new Random(5);
        double[] rss = new double[59];
        for (int i = 0; i < rss.length; i++) {
            rss[i] = 550 + r.nextGaussian() * 15;
        }
        MemoryTrend.Verdict v = MemoryTrend.of(minutes(2, rss.length), rss);
        assertThat(v.rising()).as(v.describe("rss")).isFalse();
        assertThat(Math.abs(v.tau())).isLessThan(MemoryTrend.STEADY_TAU);
    }

    @Test
    void aOneOffStepThatLevelsOffIsNotALeak() {
        double[] heap = {450, 451, 450, 452, 470, 471, 470, 471, 470, 471};
        MemoryTrend.Verdict v = MemoryTrend.of(minutes(2, heap.length), heap);
        assertThat(v.slope()).isGreaterThan(MemoryTrend.MIN_RISE_MB_PER_MIN);
        assertThat(v.lateSlope()).isLessThan(MemoryTrend.MIN_RISE_MB_PER_MIN);
        assertThat(v.rising()).isFalse();
    }

    @Test
    void growthOfMoreThanTenPercentFailsWhateverItsShape() {
        double[] rss = {500, 500, 500, 500, 640, 640, 640, 640};
        MemoryTrend.Verdict v = MemoryTrend.of(minutes(2, rss.length), rss);
        assertThat(v.rising()).isTrue();
        assertThat(v.reason()).contains("of its mean");
    }

    @Test
    void aFallingSeriesIsFlat() {
        double[] heap = {80, 78, 76, 74, 72, 70};
        assertThat(MemoryTrend.of(minutes(2, heap.length), heap).rising()).isFalse();
    }

    @Test
    void theSlopeLimitLooksOnlyFromItsFirstMinute() {
        // a warm-up climb of 100 MB/min over minutes 1-4, then flat at 500 MB
        double[] m = minutes(1, 60);
        double[] heap = new double[60];
        for (int i = 0; i < 60; i++) {
            heap[i] = m[i] < 5 ? 100 * m[i] : 500;
        }
        assertThat(MemoryTrend.slopeFrom(m, heap, 1)).isGreaterThan(0.5);
        assertThat(MemoryTrend.slopeFrom(m, heap, 5)).isEqualTo(0.0);
    }

    @Test
    void theSlopeLimitIsNotJudgedWithFewerThanTwoLateMinutes() {
        assertThat(MemoryTrend.slopeFrom(minutes(1, 5), new double[] {1, 2, 3, 4, 5}, 5)).isNaN();
        assertThat(MemoryTrend.slopeFrom(minutes(1, 6), new double[] {1, 2, 3, 4, 5, 7}, 5)).isEqualTo(2.0);
    }
}
