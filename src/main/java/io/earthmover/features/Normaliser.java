package io.earthmover.features;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Per-feature affine scaling {@code (x - centre) / scale}, fitted on training data. A feature
 * whose spread is below its floor, {@code max(1e-9, 1e-6 |centre|)} (the rule of
 * {@link KeyStandardiser}), gets the floor as its scale: a constant feature maps to 0 in training,
 * and any departure from the constant (one part in a million of its level) stands a normalised
 * unit or more away, far outside what the critic saw, so the model's score rises with it.
 */
public final class Normaliser {
    public static final String STANDARD = "standard";
    public static final String ROBUST = "robust";
    /** Spreads below this are treated as zero (constant feature). */
    static final double MIN_SCALE = 1e-12;
    /** A scale is at least this share of the feature's level ... */
    public static final double RELATIVE_SCALE_FLOOR = 1e-6;
    /** ... and at least this. */
    public static final double ABSOLUTE_SCALE_FLOOR = 1e-9;

    private final String kind;
    private final double[] centre;
    private final double[] scale;

    private Normaliser(String kind, double[] centre, double[] scale) {
        this.kind = kind;
        this.centre = centre;
        this.scale = scale;
    }

    /** Rebuilds a fitted normaliser (from a model manifest), validating the values. */
    public static Normaliser of(String kind, double[] centre, double[] scale) {
        Objects.requireNonNull(kind, "kind");
        if (!STANDARD.equals(kind) && !ROBUST.equals(kind)) {
            throw new IllegalArgumentException("unknown normaliser kind '" + kind + "' (standard or robust)");
        }
        if (centre == null || scale == null || centre.length != scale.length || centre.length == 0) {
            throw new IllegalArgumentException("normaliser centre and scale must be non-empty and of equal length");
        }
        for (int i = 0; i < centre.length; i++) {
            if (!Double.isFinite(centre[i]) || !Double.isFinite(scale[i]) || scale[i] <= 0) {
                throw new IllegalArgumentException("normaliser feature " + i + " has centre " + centre[i]
                        + " and scale " + scale[i] + "; need finite values and a positive scale");
            }
        }
        return new Normaliser(kind, centre.clone(), scale.clone());
    }

    /** Fits {@code kind} ("standard" or "robust") on rows of raw vectors. */
    public static Normaliser fit(String kind, List<double[]> rows) {
        return switch (kind.toLowerCase(Locale.ROOT)) {
            case STANDARD -> fitStandard(rows);
            case ROBUST -> fitRobust(rows);
            default -> throw new IllegalArgumentException("unknown normaliser kind '" + kind + "' (standard or robust)");
        };
    }

    /** Mean and (population) standard deviation per feature. */
    public static Normaliser fitStandard(List<double[]> rows) {
        int n = width(rows);
        double[] mean = new double[n];
        double[] std = new double[n];
        for (int j = 0; j < n; j++) {
            double[] col = column(rows, j);
            mean[j] = mean(col);
            std[j] = floored(std(col, mean[j]), mean[j]);
        }
        return new Normaliser(STANDARD, mean, std);
    }

    /**
     * Median and interquartile range per feature. A feature with IQR 0 but some spread (mostly
     * constant, with rare other values) falls back to its standard deviation, then to 1.
     */
    public static Normaliser fitRobust(List<double[]> rows) {
        int n = width(rows);
        double[] med = new double[n];
        double[] iqr = new double[n];
        for (int j = 0; j < n; j++) {
            double[] col = column(rows, j);
            Arrays.sort(col);
            med[j] = quantileSorted(col, 0.5);
            double s = quantileSorted(col, 0.75) - quantileSorted(col, 0.25);
            if (!(s > MIN_SCALE)) {
                s = std(col, mean(col));
            }
            iqr[j] = floored(s, med[j]);
        }
        return new Normaliser(ROBUST, med, iqr);
    }

    /** The scale floor of a feature centred at {@code centre}. */
    public static double scaleFloor(double centre) {
        return Math.max(ABSOLUTE_SCALE_FLOOR, RELATIVE_SCALE_FLOOR * Math.abs(centre));
    }

    private static double floored(double s, double centre) {
        if (!Double.isFinite(s) || !Double.isFinite(centre)) {
            return 1.0; // a spread that overflows: the trainer refuses the values it cannot represent
        }
        return Math.max(s, scaleFloor(centre));
    }

    private static int width(List<double[]> rows) {
        if (rows == null || rows.isEmpty()) {
            throw new IllegalArgumentException("cannot fit a normaliser on no rows");
        }
        int n = rows.get(0).length;
        for (double[] r : rows) {
            if (r.length != n) {
                throw new IllegalArgumentException("rows differ in length: " + n + " and " + r.length);
            }
        }
        return n;
    }

    private static double[] column(List<double[]> rows, int j) {
        double[] c = new double[rows.size()];
        for (int i = 0; i < c.length; i++) {
            c[i] = rows.get(i)[j];
        }
        return c;
    }

    /** Arithmetic mean. */
    public static double mean(double[] c) {
        double s = 0;
        for (double v : c) {
            s += v;
        }
        return s / c.length;
    }

    /** Population standard deviation around {@code mean}. */
    public static double std(double[] c, double mean) {
        double s = 0;
        for (double v : c) {
            s += (v - mean) * (v - mean);
        }
        return Math.sqrt(s / c.length);
    }

    /** Linear-interpolation quantile of sorted values. */
    public static double quantileSorted(double[] sorted, double q) {
        if (sorted.length == 1) {
            return sorted[0];
        }
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }

    public String kind() {
        return kind;
    }

    public int size() {
        return centre.length;
    }

    public double[] centre() {
        return centre.clone();
    }

    public double[] scale() {
        return scale.clone();
    }

    public double centre(int feature) {
        return centre[feature];
    }

    public double scale(int feature) {
        return scale[feature];
    }

    public double apply(int feature, double raw) {
        return (raw - centre[feature]) / scale[feature];
    }

    /** The inverse of {@link #apply}: the value whose normalised form is {@code normalised}. */
    public double invert(int feature, double normalised) {
        return centre[feature] + normalised * scale[feature];
    }
}
