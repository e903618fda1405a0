package io.earthmover.alarm;

import java.nio.ByteBuffer;

/**
 * The frozen-value rule of one key (a stuck sensor): a raw value repeated exactly for more than
 * twice the longest run of one value in the training records, and more than {@value #MIN_RUN}
 * times, is frozen. Off for keys whose model does not know the training runs. With
 * {@link AlarmPolicy#frozenLearn} the limit also grows with the key's own runs, as the range rule's
 * range grows with its values: each run, when it ends, raises the limit to twice its length if that
 * is more (so a series whose values plateau longer than training showed alarms on its first such
 * plateau, not on every one). Part of {@link KeyAlarm}'s state, stored inside it.
 */
final class FrozenRule {
    /** Fewest repeats of one value the rule alarms on, whatever training showed. */
    static final int MIN_RUN = 5;

    private final int dim;
    private final boolean on;
    private final boolean learns;
    private final double[] lastValue;
    private final int[] run;
    /** Per feature, the longest run allowed; 0 = the rule is off for it. */
    private final int[] frozenAfter;

    FrozenRule(AlarmPolicy policy, int dim) {
        this.dim = dim;
        this.on = policy.frozen();
        this.learns = policy.frozenLearn();
        this.lastValue = new double[dim];
        this.run = new int[dim];
        this.frozenAfter = new int[dim];
    }

    /** Starts the limits from the seed's training runs. The last values stay: a run of 0 ignores them. */
    void reset(AlarmSeed seed) {
        java.util.Arrays.fill(run, 0);
        boolean runsKnown = on && seed.longestRun() != null && seed.longestRun().length == dim;
        for (int j = 0; j < dim; j++) {
            // more than twice the longest run training showed, and at least MIN_RUN records; 0 = off
            frozenAfter[j] = runsKnown ? Math.max(MIN_RUN, 2 * seed.longestRun()[j]) : 0;
        }
    }

    /** Whether a feature has repeated one exact value for longer than training ever showed. */
    boolean frozen(double[] raw) {
        boolean frozen = false;
        for (int j = 0; j < dim; j++) {
            if (run[j] > 0 && raw[j] == lastValue[j]) {
                run[j]++;
            } else {
                if (learns && frozenAfter[j] > 0) {
                    frozenAfter[j] = Math.max(frozenAfter[j], 2 * run[j]);
                }
                run[j] = 1;
                lastValue[j] = raw[j];
            }
            if (frozenAfter[j] > 0 && run[j] > frozenAfter[j]) {
                frozen = true;
            }
        }
        return frozen;
    }

    int storedSize() {
        return 16 * dim;
    }

    /** Per feature: its last value, its run and its limit. */
    void store(ByteBuffer b) {
        for (int j = 0; j < dim; j++) {
            b.putDouble(lastValue[j]).putInt(run[j]).putInt(frozenAfter[j]);
        }
    }

    void load(ByteBuffer b) {
        for (int j = 0; j < dim; j++) {
            lastValue[j] = b.getDouble();
            run[j] = b.getInt();
            frozenAfter[j] = b.getInt();
        }
    }
}
