package io.earthmover.record;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * The names seen so far in one JSON object, to find duplicates. A record's objects have a few
 * names, so a linear scan over a small array beats hashing; past {@link #LINEAR} names a set takes over.
 */
final class SeenNames {
    private static final int LINEAR = 16;
    private String[] names = new String[4];
    private int count;
    private Set<String> set;

    /** Adds a name; false when it was seen before. */
    boolean add(String name) {
        if (set != null) {
            return set.add(name);
        }
        for (int i = 0; i < count; i++) {
            if (names[i].equals(name)) {
                return false;
            }
        }
        if (count == LINEAR) {
            set = new HashSet<>(Arrays.asList(names));
            return set.add(name);
        }
        if (count == names.length) {
            names = Arrays.copyOf(names, count * 2);
        }
        names[count++] = name;
        return true;
    }
}
