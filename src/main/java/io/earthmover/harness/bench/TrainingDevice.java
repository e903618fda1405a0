package io.earthmover.harness.bench;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * Where the trainer's ND4J work runs. The jar holds exactly one ND4J backend, chosen at build time:
 * nd4j-native (the default build) or nd4j-cuda-11.6 ({@code mvn -Pcuda}); ND4J cannot switch at run
 * time, so asking for a device whose backend is not in the jar is refused up front, before ND4J
 * loads any native library. The scorer never uses ND4J and is unaffected. Only {@code bench train
 * --device} asks for a device (the trainer takes the backend the jar holds), so it lives in the harness.
 */
public enum TrainingDevice {
    CPU("org.nd4j.linalg.cpu.nativecpu.CpuBackend", "the default build (nd4j-native)"),
    GPU("org.nd4j.linalg.jcublas.JCublasBackend", "a jar built with mvn -Pcuda (nd4j-cuda-11.6)");

    private final String backendClass;
    private final String buildHint;

    TrainingDevice(String backendClass, String buildHint) {
        this.backendClass = backendClass;
        this.buildHint = buildHint;
    }

    /** ND4J's backend class for this device. */
    public String backendClass() {
        return backendClass;
    }

    /** {@code cpu} or {@code gpu} ({@code cuda} is read as gpu), any case. */
    public static TrainingDevice parse(String s) {
        String v = s == null ? "" : s.trim().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "cpu" -> CPU;
            case "gpu", "cuda" -> GPU;
            default -> throw new IllegalArgumentException("unknown device '" + s + "': use cpu or gpu");
        };
    }

    /** The devices whose ND4J backend class is on the class path (looked up without initialising it). */
    public static Set<TrainingDevice> present(ClassLoader loader) {
        Set<TrainingDevice> p = EnumSet.noneOf(TrainingDevice.class);
        for (TrainingDevice d : values()) {
            try {
                Class.forName(d.backendClass, false, loader);
                p.add(d);
            } catch (ClassNotFoundException | LinkageError e) {
                // not in this build
            }
        }
        return p;
    }

    /** Null when this device can be used with the backends {@code present}; otherwise why not. */
    public String refusal(Set<TrainingDevice> present) {
        if (present.contains(this)) {
            return null;
        }
        String have = present.isEmpty() ? "no ND4J backend"
                : String.join(", ", present.stream().map(d -> d.name().toLowerCase(Locale.ROOT) + " (" + d.backendClass + ")").toList());
        return "--device " + name().toLowerCase(Locale.ROOT) + ": this jar has no ND4J " + name() + " backend ("
                + backendClass + " is not on the class path; it has " + have + "). Use " + buildHint + ".";
    }

    /** Null when the backend ND4J actually loaded (its class name) is this device's; otherwise why not. */
    public String mismatch(String loadedBackendClass) {
        if (backendClass.equals(loadedBackendClass)) {
            return null;
        }
        return "--device " + name().toLowerCase(Locale.ROOT) + ": ND4J loaded " + loadedBackendClass + ", not " + backendClass;
    }
}
