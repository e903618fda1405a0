package io.earthmover.kafka;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Which part of a topic a bounded job reads. The end is always fixed when the job starts (the end
 * offsets it captures then, or those of {@code to}), so the job never waits for new records.
 *
 * @param offsets partition → [from, to) for {@link Kind#OFFSETS}; -1 means the beginning or the end
 */
public record TopicRange(Kind kind, Map<Integer, long[]> offsets, Long fromMillis, Long toMillis, int lastN) {
    public enum Kind { ALL, OFFSETS, TIME, LAST }

    public static TopicRange all() {
        return new TopicRange(Kind.ALL, Map.of(), null, null, 0);
    }

    public static TopicRange time(Long fromMillis, Long toMillis) {
        return new TopicRange(Kind.TIME, Map.of(), fromMillis, toMillis, 0);
    }

    public static TopicRange last(int n) {
        if (n <= 0) {
            throw new IllegalArgumentException("--last must be positive");
        }
        return new TopicRange(Kind.LAST, Map.of(), null, null, n);
    }

    /** Parses {@code partition:from-to[,partition:from-to...]}; from or to may be empty (beginning, end). */
    public static TopicRange offsets(String spec) {
        Map<Integer, long[]> m = new LinkedHashMap<>();
        for (String part : spec.split(",")) {
            String p = part.trim();
            int colon = p.indexOf(':');
            int dash = p.indexOf('-', colon + 1);
            if (colon <= 0 || dash < 0) {
                throw new IllegalArgumentException("'" + p + "' is not partition:from-to (e.g. 0:100-500, 1:-900, 2:40-)");
            }
            try {
                int partition = Integer.parseInt(p.substring(0, colon));
                String from = p.substring(colon + 1, dash).trim();
                String to = p.substring(dash + 1).trim();
                long f = from.isEmpty() ? -1 : Long.parseLong(from);
                long t = to.isEmpty() ? -1 : Long.parseLong(to);
                if ((f < -1) || (t < -1) || (f >= 0 && t >= 0 && t < f)) {
                    throw new IllegalArgumentException("'" + p + "': offsets must be non-negative and from <= to");
                }
                m.put(partition, new long[] {f, t});
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + p + "' is not partition:from-to with whole numbers");
            }
        }
        return new TopicRange(Kind.OFFSETS, m, null, null, 0);
    }
}
