package io.earthmover.features;

import java.util.Locale;

/**
 * What the featuriser does to each normalised input ({@code features.squash}). Telemetry is often
 * heavy-tailed: a CPU that idles at 0.1 % with rare bursts to 99 % has an IQR of 0.004 and bursts
 * of 25,000 IQRs, so a handful of training spikes set the scale of the whole input space and the
 * critic learns little about the ordinary values around the median. {@link #ASINH} keeps values
 * within a few scale units nearly linear ({@code asinh(x) ≈ x} for small x) and compresses the
 * tails logarithmically ({@code asinh(x) ≈ sign(x) ln 2|x|}), so spikes are still far out but no
 * longer dominate. The mapping is strictly monotone, so nothing is lost: {@link #invert} undoes it.
 */
public enum Squash {
    /** Inputs are the normalised values themselves. */
    NONE("none"),
    /** Inputs are {@code asinh} of the normalised values (and of the normalised differences). */
    ASINH("asinh");

    private final String configName;

    Squash(String configName) {
        this.configName = configName;
    }

    /** The name in configuration ({@code features.squash}) and in the bundle manifest. */
    public String configName() {
        return configName;
    }

    /** The squash named {@code name}; null stands for {@link #NONE} (bundles written before format 7). */
    public static Squash of(String name) {
        if (name == null) {
            return NONE;
        }
        for (Squash s : values()) {
            if (s.configName.equals(name.toLowerCase(Locale.ROOT))) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown squash '" + name + "' (none or asinh)");
    }

    /** The input for the normalised value {@code v}. */
    public double apply(double v) {
        if (this == NONE) {
            return v;
        }
        // asinh without cancellation for negative v: odd symmetry
        double a = Math.abs(v);
        double r = Math.log(a + Math.sqrt(a * a + 1.0));
        return v < 0 ? -r : r;
    }

    /** The normalised value whose input is {@code input}: the inverse of {@link #apply}. */
    public double invert(double input) {
        return this == NONE ? input : Math.sinh(input);
    }
}
