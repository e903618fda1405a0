package io.earthmover.harness.eval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The registry of detector factories by name. */
public final class Detectors {
    private final Map<String, DetectorFactory> byName = new LinkedHashMap<>();

    public Detectors(List<DetectorFactory> factories) {
        for (DetectorFactory f : factories) {
            if (byName.putIfAbsent(f.name(), f) != null) {
                throw new IllegalArgumentException("duplicate detector name " + f.name());
            }
        }
    }

    /** The detectors this build ships. */
    public static Detectors builtIn() {
        return builtIn(RcfDetectorFactory.DEFAULT_SHINGLE_SIZE);
    }

    /** The shipped detectors with rcf's shingle size overridden (for sensitivity runs). */
    public static Detectors builtIn(int rcfShingleSize) {
        return builtIn(rcfShingleSize, new WganDetectorFactory());
    }

    /** The shipped detectors with rcf's shingle size and the wgan factory (retraining, tracing) given. */
    public static Detectors builtIn(int rcfShingleSize, WganDetectorFactory wgan) {
        return new Detectors(List.of(wgan, new RcfDetectorFactory(rcfShingleSize), new ZScoreDetectorFactory()));
    }

    public List<String> names() {
        return List.copyOf(byName.keySet());
    }

    /** Resolves a comma-separated list like {@code rcf,zscore}; unknown names are an error. */
    public List<DetectorFactory> resolve(String commaSeparated) {
        List<DetectorFactory> out = new ArrayList<>();
        for (String raw : commaSeparated.split(",")) {
            String name = raw.strip();
            if (name.isEmpty()) {
                continue;
            }
            DetectorFactory f = byName.get(name);
            if (f == null) {
                throw new IllegalArgumentException("unknown detector '" + name + "'; available: "
                        + String.join(", ", byName.keySet()));
            }
            if (!out.contains(f)) {
                out.add(f);
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no detector given");
        }
        return out;
    }
}
