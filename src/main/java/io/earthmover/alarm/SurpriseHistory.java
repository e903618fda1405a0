package io.earthmover.alarm;

import java.nio.ByteBuffer;

/**
 * The likelihood's history of one key: a ring of blocks of averaged surprises, each summarised by
 * its mean and variance (and, with the recurrence test on, its highest average), and the normal
 * fitted to them. nupic keeps the 8,640 averages themselves (70 KB per key); a block summary gives
 * the same fit to one block at the window's old end. A new key starts with the model's
 * {@link AlarmSeed} as its normal; once it has {@link #MIN_OWN_BLOCKS} blocks of its own,
 * its own history decides. Part of {@link KeyLikelihood}'s state, stored inside it (so inside {@link KeyAlarm}'s).
 */
final class SurpriseHistory {
    /**
     * Blocks of its own a key needs before its own history replaces the model's seed: a few hundred
     * averages, as nupic's first estimate (NAB's probation less its learning period) has.
     */
    static final int MIN_OWN_BLOCKS = 3;
    private final int block;
    private final int recurrence;
    private final float[] blockMean;
    private final float[] blockVar;
    /** Each block's highest average; null with the recurrence test off. */
    private final float[] blockMax;
    private int blocks;
    private int blockHead;
    private int curN;
    private double curMean;
    private double curM2;
    private double curMax;
    private boolean estimated;
    private double mean;
    private double std;

    SurpriseHistory(AlarmPolicy policy) {
        this.block = policy.block();
        this.recurrence = policy.recurrence();
        this.blockMean = new float[policy.blocks()];
        this.blockVar = new float[policy.blocks()];
        this.blockMax = recurrence > 0 ? new float[policy.blocks()] : null;
    }

    /** Forgets every block; the normal is the model's seed (none when the seed has no samples). */
    void reset(AlarmSeed seed) {
        blocks = 0;
        blockHead = 0;
        curN = 0;
        curMean = 0;
        curM2 = 0;
        curMax = Double.NEGATIVE_INFINITY;
        estimated = seed.samples() > 0;
        mean = seed.surpriseMean();
        std = Math.sqrt(Math.max(seed.surpriseStd() * seed.surpriseStd(), SurpriseLikelihood.MIN_VARIANCE));
    }

    boolean estimated() {
        return estimated;
    }

    double mean() {
        return mean;
    }

    double std() {
        return std;
    }

    /** Blocks the ring holds at most (part of the stored shape). */
    int capacity() {
        return blockMean.length;
    }

    boolean keepsMaxima() {
        return blockMax != null;
    }

    /**
     * Whether at least {@code recurrence} completed blocks held an average as high as this one: a
     * surprise the key has shown that often already. Always false with the test off.
     */
    boolean recurring(double average) {
        if (blockMax == null) {
            return false;
        }
        float a = (float) average; // the blocks keep floats: a value that recurs exactly compares equal
        int seen = 0;
        for (int b = 0; b < blocks; b++) {
            if (blockMax[(blockHead + b) % blockMax.length] >= a && ++seen >= recurrence) {
                return true;
            }
        }
        return false;
    }

    /** Welford within the current block; a full block joins the ring and the normal is refitted. */
    void add(double average) {
        curN++;
        curMax = Math.max(curMax, average);
        double d = average - curMean;
        curMean += d / curN;
        curM2 += d * (average - curMean);
        if (curN < block) {
            return;
        }
        int slot;
        if (blocks < blockMean.length) {
            slot = (blockHead + blocks) % blockMean.length;
            blocks++;
        } else {
            slot = blockHead;
            blockHead = (blockHead + 1) % blockMean.length;
        }
        blockMean[slot] = (float) curMean;
        blockVar[slot] = (float) (curM2 / curN);
        if (blockMax != null) {
            blockMax[slot] = (float) curMax;
        }
        curMax = Double.NEGATIVE_INFINITY;
        curN = 0;
        curMean = 0;
        curM2 = 0;
        if (blocks >= MIN_OWN_BLOCKS) {
            estimate();
        }
    }

    /** Mean and variance of all averages in the ring's blocks (equal-sized: law of total variance). */
    private void estimate() {
        double m = 0;
        for (int b = 0; b < blocks; b++) {
            m += blockMean[(blockHead + b) % blockMean.length];
        }
        m /= blocks;
        double v = 0;
        for (int b = 0; b < blocks; b++) {
            int i = (blockHead + b) % blockMean.length;
            double d = blockMean[i] - m;
            v += blockVar[i] + d * d;
        }
        v /= blocks;
        mean = m;
        std = Math.sqrt(Math.max(v, SurpriseLikelihood.MIN_VARIANCE));
        estimated = true;
    }

    int storedSize() {
        return 8 + 8 * blocks + 4 + 16 + 1 + 16 + (blockMax == null ? 0 : 4 * blocks + 8);
    }

    /** The blocks oldest first, the open block, then the normal; each block's highest after it when kept. */
    void store(ByteBuffer b) {
        b.putInt(blocks).putInt(blockHead);
        for (int k = 0; k < blocks; k++) {
            int i = (blockHead + k) % blockMean.length;
            b.putFloat(blockMean[i]).putFloat(blockVar[i]);
            if (blockMax != null) {
                b.putFloat(blockMax[i]);
            }
        }
        b.putInt(curN).putDouble(curMean).putDouble(curM2);
        if (blockMax != null) {
            b.putDouble(curMax);
        }
        b.put((byte) (estimated ? 1 : 0)).putDouble(mean).putDouble(std);
    }

    /**
     * Reads what {@link #store} wrote; {@code maxima}: whether it kept the blocks' highest averages. Read
     * without them under the test, a block's highest is unknown and never counts as a recurrence;
     * read with them without the test, they are skipped.
     */
    void load(ByteBuffer b, boolean maxima) {
        blocks = b.getInt();
        b.getInt(); // the writer's head: the blocks come oldest first
        blockHead = 0;
        for (int k = 0; k < blocks; k++) {
            blockMean[k] = b.getFloat();
            blockVar[k] = b.getFloat();
            float highest = maxima ? b.getFloat() : Float.NEGATIVE_INFINITY;
            if (blockMax != null) {
                blockMax[k] = highest;
            }
        }
        curN = b.getInt();
        curMean = b.getDouble();
        curM2 = b.getDouble();
        curMax = maxima ? b.getDouble() : Double.NEGATIVE_INFINITY;
        estimated = b.get() == 1;
        mean = b.getDouble();
        std = b.getDouble();
    }
}
