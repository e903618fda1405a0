package io.earthmover.alarm;

/**
 * What a model knows, from its training data, to start a new key's alarm state: the mean and
 * standard deviation of the averaged critic surprise over training records in time order (the
 * likelihood's first normal, so it is active from a key's first record) and each feature's range
 * (the range rule's first bounds). Stored in the bundle's manifest.
 *
 * @param surpriseMean mean of the surprise averaged over {@code averaging} consecutive records
 * @param surpriseStd  its standard deviation
 * @param samples      averaged values behind the two (0 = no prior: the key learns its own first)
 * @param averaging    the averaging window they were computed with
 * @param featureMin   per raw feature, the smallest training value
 * @param featureMax   per raw feature, the largest training value
 * @param longestRun   per raw feature, the longest run of one exact value repeated in a key's training
 *                     records (the frozen-value rule's reference); null when not known
 * @param squash       how each surprise was compressed before the average ({@code alarm.likelihood.squash});
 *                     null (a bundle from before format 10) reads as {@link AlarmPolicy.Squash#NONE}, the
 *                     only way those seeds were fitted
 */
public record AlarmSeed(double surpriseMean, double surpriseStd, long samples, int averaging, double[] featureMin,
                        double[] featureMax, int[] longestRun, AlarmPolicy.Squash squash) {

    /** A seed of unsquashed surprises without run lengths (the frozen-value rule then stays off for its keys). */
    public AlarmSeed(double surpriseMean, double surpriseStd, long samples, int averaging, double[] featureMin,
            double[] featureMax) {
        this(surpriseMean, surpriseStd, samples, averaging, featureMin, featureMax, null, AlarmPolicy.Squash.NONE);
    }

    public AlarmSeed {
        squash = squash == null ? AlarmPolicy.Squash.NONE : squash;
        if (!Double.isFinite(surpriseMean) || !(surpriseStd >= 0) || samples < 0 || averaging < 1 || featureMin == null
                || featureMax == null || featureMin.length != featureMax.length) {
            throw new IllegalArgumentException("invalid alarm seed");
        }
        for (int j = 0; j < featureMin.length; j++) {
            if (!Double.isFinite(featureMin[j]) || !Double.isFinite(featureMax[j]) || featureMin[j] > featureMax[j]) {
                throw new IllegalArgumentException("invalid alarm seed range for feature " + j);
            }
        }
    }

    /** No prior at all: the likelihood waits for the key's own first blocks, the range rule learns the key's range first. */
    public static AlarmSeed none() {
        return new AlarmSeed(0, 0, 0, 1, new double[0], new double[0]);
    }

    public boolean hasRange() {
        return featureMin.length > 0;
    }

    /** This seed with the training data's longest runs of a repeated value, per feature. */
    public AlarmSeed withLongestRun(int[] runs) {
        return new AlarmSeed(surpriseMean, surpriseStd, samples, averaging, featureMin, featureMax, runs, squash);
    }

    /**
     * Why a key's likelihood under {@code policy} cannot start from this seed, or null if it can: the
     * seed's mean and spread are of surprises averaged over {@link #averaging} records after its
     * {@link #squash}, and a likelihood that averages or compresses otherwise would judge a new key's
     * first few hundred records against a normal on another scale. A seed without samples, or a policy
     * with the alarm layer off, always fits.
     */
    public String mismatch(AlarmPolicy policy) {
        if (!policy.enabled() || samples == 0 || (averaging == policy.averaging() && squash == policy.squash())) {
            return null;
        }
        return "its alarm seed was fitted with alarm.likelihood.averaging=" + averaging + " and alarm.likelihood.squash="
                + squash.configName() + ", this scorer runs alarm.likelihood.averaging=" + policy.averaging()
                + " and alarm.likelihood.squash=" + policy.squash().configName()
                + " (train with the scorer's alarm.likelihood settings, or score with the model's)";
    }

    /**
     * Fits the seed: {@code surprises} holds, per key, the surprise of its training records in time
     * order; each is squashed and averaged as {@link KeyAlarm} does (over the last {@code averaging},
     * fewer at a key's start).
     */
    public static AlarmSeed fit(java.util.List<double[]> surprises, int averaging, AlarmPolicy.Squash squash,
            double[] featureMin, double[] featureMax) {
        long n = 0;
        double m = 0;
        double m2 = 0;
        for (double[] seq : surprises) {
            double sum = 0;
            for (int i = 0; i < seq.length; i++) {
                sum += squash.apply(seq[i]) - (i >= averaging ? squash.apply(seq[i - averaging]) : 0);
                double avg = sum / Math.min(i + 1, averaging);
                n++;
                double d = avg - m;
                m += d / n;
                m2 += d * (avg - m);
            }
        }
        return new AlarmSeed(m, n == 0 ? 0 : Math.sqrt(m2 / n), n, averaging, featureMin, featureMax, null, squash);
    }
}
