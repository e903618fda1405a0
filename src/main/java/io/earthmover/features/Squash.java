package io.earthmover.features;

import java.util.List;
import java.util.Locale;

/**
 * Which normalised critic inputs go through {@code asinh} ({@code features.squash}). Telemetry is
 * often heavy-tailed: a CPU that idles at 0.1 % with rare bursts to 99 % has an IQR of 0.004 and
 * bursts of 25,000 IQRs, so a handful of training spikes set the scale of the whole input space and
 * the critic learns little about the ordinary values around the median. {@code asinh} keeps values
 * within a few scale units nearly linear ({@code asinh(x) ≈ x} for small x) and compresses the
 * tails logarithmically ({@code asinh(x) ≈ sign(x) ln 2|x|}), so spikes are still far out but no
 * longer dominate. It is strictly monotone, so nothing is lost: {@link #invert} undoes it.
 *
 * <p>{@link #NONE}: no input is squashed; {@link #ASINH}: every feature's inputs (values and
 * differences); {@link #AUTO}: the inputs of the features whose training values reach further than
 * {@value #HEAVY_TAIL_SCALE_UNITS} scale units from the centre. The rule for the bound: a Gaussian
 * feature's largest |z| over even 200,000 rows is about 5 standard deviations (3.7 IQRs), so a
 * feature beyond 10 scale units has tails no Gaussian has, and only such a feature is squashed; a
 * feature that is close to Gaussian keeps its linear inputs.
 */
public enum Squash {
    NONE("none"),
    ASINH("asinh"),
    AUTO("auto");

    /** {@link #AUTO} squashes a feature whose training values lie further than this from the centre, in scale units. */
    public static final double HEAVY_TAIL_SCALE_UNITS = 10.0;

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
        throw new IllegalArgumentException("unknown squash '" + name + "' (none, asinh or auto)");
    }

    /** Per feature, whether its inputs are squashed, for a normaliser fitted on {@code rows} (the raw training vectors). */
    public boolean[] features(Normaliser normaliser, List<double[]> rows) {
        boolean[] out = new boolean[normaliser.size()];
        for (int f = 0; f < out.length; f++) {
            out[f] = this == ASINH || (this == AUTO && reach(normaliser, rows, f) > HEAVY_TAIL_SCALE_UNITS);
        }
        return out;
    }

    /** How far, in scale units, feature {@code f}'s training values lie from its centre at most. */
    static double reach(Normaliser normaliser, List<double[]> rows, int f) {
        double far = 0;
        for (double[] r : rows) {
            far = Math.max(far, Math.abs(normaliser.apply(f, r[f])));
        }
        return far;
    }

    /** {@code asinh(v)}, odd, without cancellation for negative v. */
    public static double apply(double v) {
        double a = Math.abs(v);
        double r = Math.log(a + Math.sqrt(a * a + 1.0));
        return v < 0 ? -r : r;
    }

    /** The inverse of {@link #apply}: {@code sinh}. */
    public static double invert(double input) {
        return Math.sinh(input);
    }
}
