package io.earthmover.config;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;

/**
 * One typed configuration key: its name, default, meaning and how a string becomes a valid value.
 *
 * @param parse turns the raw string into a value or throws IllegalArgumentException saying what is allowed
 */
public record ConfigKey<T>(String name, Class<T> type, T defaultValue, String allowed, String description,
                           Function<String, T> parse) {
    public ConfigKey {
        Objects.requireNonNull(name);
        Objects.requireNonNull(type);
        Objects.requireNonNull(parse);
    }

    public String defaultText() {
        return text(defaultValue);
    }

    /** How a value of this key is written in a properties file. */
    public static String text(Object value) {
        if (value == null) {
            return "";
        }
        if (value instanceof int[] a) {
            return Arrays.stream(a).mapToObj(Integer::toString).collect(java.util.stream.Collectors.joining(","));
        }
        return String.valueOf(value);
    }

    public static ConfigKey<String> string(String name, String def, String description) {
        return new ConfigKey<>(name, String.class, def, "any text", description, s -> s);
    }

    public static ConfigKey<String> nonEmpty(String name, String def, String description) {
        return new ConfigKey<>(name, String.class, def, "non-empty text", description, s -> {
            if (s.isBlank()) {
                throw new IllegalArgumentException("must not be empty");
            }
            return s.trim();
        });
    }

    public static ConfigKey<Integer> integer(String name, int def, int min, int max, String description) {
        return new ConfigKey<>(name, Integer.class, def, "an integer from " + min + " to " + max, description, s -> {
            int v;
            try {
                v = Integer.parseInt(s.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + s + "' is not an integer");
            }
            if (v < min || v > max) {
                throw new IllegalArgumentException(v + " is out of range");
            }
            return v;
        });
    }

    public static ConfigKey<Long> longValue(String name, long def, long min, long max, String description) {
        return new ConfigKey<>(name, Long.class, def, "an integer from " + min + " to " + max, description, s -> {
            long v;
            try {
                v = Long.parseLong(s.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + s + "' is not an integer");
            }
            if (v < min || v > max) {
                throw new IllegalArgumentException(v + " is out of range");
            }
            return v;
        });
    }

    public static ConfigKey<Double> decimal(String name, double def, double min, double max, String description) {
        return new ConfigKey<>(name, Double.class, def, "a number from " + min + " to " + max, description, s -> {
            double v;
            try {
                v = Double.parseDouble(s.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + s + "' is not a number");
            }
            if (!(v >= min && v <= max)) {
                throw new IllegalArgumentException(v + " is out of range");
            }
            return v;
        });
    }

    public static ConfigKey<Boolean> bool(String name, boolean def, String description) {
        return new ConfigKey<>(name, Boolean.class, def, "true or false", description, s -> {
            String t = s.trim().toLowerCase(Locale.ROOT);
            if (!t.equals("true") && !t.equals("false")) {
                throw new IllegalArgumentException("'" + s + "' is not true or false");
            }
            return Boolean.parseBoolean(t);
        });
    }

    public static ConfigKey<String> oneOf(String name, String def, List<String> choices, String description) {
        return new ConfigKey<>(name, String.class, def, "one of " + String.join(", ", choices), description, s -> {
            String t = s.trim();
            if (!choices.contains(t)) {
                throw new IllegalArgumentException("'" + s + "' is not allowed");
            }
            return t;
        });
    }

    /** Comma-separated positive integers, e.g. hidden layer sizes {@code 128,128}. */
    public static ConfigKey<int[]> intList(String name, String def, String description) {
        Function<String, int[]> p = s -> {
            try {
                int[] v = Arrays.stream(s.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
                if (v.length == 0 || Arrays.stream(v).anyMatch(x -> x <= 0 || x > 65536)) {
                    throw new IllegalArgumentException("sizes must be from 1 to 65536");
                }
                return v;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + s + "' is not a comma-separated list of integers");
            }
        };
        return new ConfigKey<>(name, int[].class, p.apply(def), "comma-separated positive integers", description, p);
    }
}
