package io.earthmover.alarm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AdaptationGuardTest {
    /** Offers records 0..flags.length-1 (entry = {i, -i}); the indices released clean, in order. */
    private static List<Integer> released(AdaptationGuard g, boolean[] flags) {
        List<Integer> out = new ArrayList<>();
        double[] r = new double[2];
        for (int i = 0; i < flags.length; i++) {
            if (g.offer(new double[] {i, -i}, flags[i], r)) {
                assertThat(r[1]).isEqualTo(-r[0]);
                out.add((int) r[0]);
            }
            assertThat(g.held()).isLessThanOrEqualTo(g.delay());
        }
        return out;
    }

    @Test
    void anUnflaggedRecordIsReleasedDelayRecordsLateInOrder() {
        AdaptationGuard g = new AdaptationGuard(2, 3);
        List<Integer> out = released(g, new boolean[10]);
        // record i is released when record i + 3 arrives
        assertThat(out).containsExactly(0, 1, 2, 3, 4, 5, 6);
        assertThat(g.held()).isEqualTo(3);
    }

    @Test
    void aFlaggedRecordBlocksItselfAndTheDelayRecordsBeforeIt() {
        boolean[] flags = new boolean[20];
        flags[8] = true;
        List<Integer> out = released(new AdaptationGuard(2, 3), flags);
        // 5, 6, 7 had the flag within 3 records after them, 8 is flagged; 9 on are clean again
        assertThat(out).containsExactly(0, 1, 2, 3, 4, 9, 10, 11, 12, 13, 14, 15, 16);
    }

    @Test
    void aLastingRunOfFlagsReleasesNothingOfIt() {
        boolean[] flags = new boolean[400];
        for (int i = 100; i < 300; i += 2) {
            flags[i] = true; // flagged on every other record: the gaps are shorter than the delay
        }
        List<Integer> out = released(new AdaptationGuard(2, 10), flags);
        assertThat(out).allMatch(i -> i < 90 || i >= 299);
        assertThat(out).contains(89, 299, 389);
    }

    @Test
    void withDelayZeroOnlyTheFlaggedRecordsAreDropped() {
        boolean[] flags = {false, true, false, true, true, false};
        assertThat(released(new AdaptationGuard(2, 0), flags)).containsExactly(0, 2, 5);
    }

    @Test
    void aStoredGuardLoadsAndContinuesAsIfNeverStored() {
        boolean[] flags = new boolean[60];
        flags[20] = true;
        flags[41] = true;
        AdaptationGuard straight = new AdaptationGuard(2, 7);
        List<Integer> expected = released(straight, flags);

        AdaptationGuard first = new AdaptationGuard(2, 7);
        double[] r = new double[2];
        List<Integer> got = new ArrayList<>();
        for (int i = 0; i < flags.length; i++) {
            if (i > 0) {
                // a fresh guard per record, loaded from the previous one's bytes (the scorer's store)
                ByteBuffer b = ByteBuffer.allocate(first.storedSize());
                first.store(b);
                assertThat(b.hasRemaining()).isFalse();
                first = new AdaptationGuard(2, 7);
                assertThat(first.load(ByteBuffer.wrap(b.array()))).isTrue();
            }
            if (first.offer(new double[] {i, -i}, flags[i], r)) {
                got.add((int) r[0]);
            }
        }
        assertThat(got).isEqualTo(expected);
        assertThat(first.storedSize()).isEqualTo(AdaptationGuard.HEADER + 8 * 2 * 7);
    }

    @Test
    void aStateOfAnotherShapeOrTruncatedLoadsAsAFreshGuard() {
        AdaptationGuard g = new AdaptationGuard(2, 3);
        released(g, new boolean[10]);
        ByteBuffer b = ByteBuffer.allocate(g.storedSize());
        g.store(b);
        AdaptationGuard otherDelay = new AdaptationGuard(2, 4);
        assertThat(otherDelay.load(ByteBuffer.wrap(b.array()))).isFalse();
        assertThat(otherDelay.held()).isZero();
        AdaptationGuard otherWidth = new AdaptationGuard(3, 3);
        assertThat(otherWidth.load(ByteBuffer.wrap(b.array()))).isFalse();
        AdaptationGuard truncated = new AdaptationGuard(2, 3);
        assertThat(truncated.load(ByteBuffer.wrap(b.array(), 0, b.capacity() - 1))).isFalse();
        assertThat(truncated.held()).isZero();
        // a fresh guard learns nothing until delay clean records have passed
        assertThat(released(truncated, new boolean[5])).containsExactly(0, 1);
    }

    @Test
    void rejectsANegativeDelay() {
        assertThatThrownBy(() -> new AdaptationGuard(1, -1)).isInstanceOf(IllegalArgumentException.class);
    }
}
