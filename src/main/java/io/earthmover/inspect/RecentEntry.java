package io.earthmover.inspect;

import java.nio.ByteBuffer;

/**
 * One remembered output: when it was scored (wall clock, what retention counts from), the
 * record's timestamp, the input value (null when larger than {@link #MAX_INPUT_BYTES}: values are
 * then not shown) and the {@code anomaly-scores} value as written.
 */
record RecentEntry(long scoredAt, long recordTs, byte[] input, byte[] output) {
    /** Inputs up to this size are kept for their values; a larger one would make the store heavy. */
    static final int MAX_INPUT_BYTES = 4096;

    static RecentEntry of(long scoredAt, long recordTs, byte[] input, byte[] output) {
        return new RecentEntry(scoredAt, recordTs, input == null || input.length > MAX_INPUT_BYTES ? null : input, output);
    }

    byte[] encode() {
        int in = input == null ? -1 : input.length;
        ByteBuffer b = ByteBuffer.allocate(24 + Math.max(in, 0) + output.length);
        b.putLong(scoredAt).putLong(recordTs).putInt(in);
        if (input != null) {
            b.put(input);
        }
        b.putInt(output.length).put(output);
        return b.array();
    }

    /** The entry, or null for bytes that are not one (a store written by another version). */
    static RecentEntry decode(byte[] bytes) {
        if (bytes == null || bytes.length < 24) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(bytes);
        long scoredAt = b.getLong();
        long ts = b.getLong();
        int in = b.getInt();
        if (in > b.remaining() - 4) {
            return null;
        }
        byte[] input = null;
        if (in >= 0) {
            input = new byte[in];
            b.get(input);
        }
        int out = b.getInt();
        if (out < 0 || out != b.remaining()) {
            return null;
        }
        byte[] output = new byte[out];
        b.get(output);
        return new RecentEntry(scoredAt, ts, input, output);
    }
}
