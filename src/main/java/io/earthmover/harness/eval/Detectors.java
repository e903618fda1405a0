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

    /** The shipped detectors with rcf's default shingle size and the wgan factory given. */
    public static Detectors builtIn(WganDetectorFactory wgan) {
        return builtIn(RcfDetectorFactory.DEFAULT_SHINGLE_SIZE, wgan);
    }

    /** The shipped detectors with rcf's shingle size and the wgan factory (profile, served field, retraining, tracing) given. */
    public static Detectors builtIn(int rcfShingleSize, WganDetectorFactory wgan) {
        return new Detectors(List.of(wgan, new RcfDetectorFactory(rcfShingleSize), new ZScoreDetectorFactory()));
    }

    /** For reports: one line per detector with its description, then each detector's own section. */
    public static String markdown(List<DetectorFactory> detectors) {
        StringBuilder md = new StringBuilder();
        for (DetectorFactory f : detectors) {
            md.append("- `").append(f.name()).append("`: ").append(f.describe()).append('\n');
        }
        detectors.forEach(f -> md.append(f.reportSection()));
        return md.toString();
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
