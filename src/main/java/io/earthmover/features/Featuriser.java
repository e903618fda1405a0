package io.earthmover.features;

/** TEMPORARY stand-in until the engine branch lands: plain concatenation, no normalisation. */
public final class Featuriser {
    private final FeatureSchema schema;
    private final int window;

    public Featuriser(FeatureSchema schema, int window, boolean differences, Object normaliser) {
        this.schema = schema;
        this.window = window;
    }

    public int historyLength() {
        return window;
    }

    public int inputSize() {
        return window * schema.size();
    }

    public void featurise(double[][] history, float[] out) {
        int k = 0;
        for (double[] v : history) {
            for (double d : v) {
                out[k++] = (float) d;
            }
        }
    }

    public String inputName(int i) {
        int lag = window - 1 - i / schema.size();
        String n = schema.names().get(i % schema.size());
        return window == 1 ? n : n + "@t-" + lag;
    }
}
