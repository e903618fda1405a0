package io.earthmover.harness.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What each layer of the served configuration costs in {@code bench pipeline}: the scoring throughput
 * with everything on (the defaults, what users run) against the same run without the inspection
 * stores, and that against the run without the alarm layer as well, each as its ratio to the
 * passthrough measured just before it. Each cost is the share of the critic-only ratio lost to the
 * layer, so the two add up to what the layers cost together.
 */
public final class LayerCosts {
    /** The configuration without the inspection stores. */
    public static final Map<String, String> WITHOUT_INSPECTION = Map.of("inspect.enabled", "false");
    /** The configuration without the inspection stores and the alarm layer: the critic alone. */
    public static final Map<String, String> WITHOUT_LAYERS = ordered("alarm.enabled", "false", "inspect.enabled", "false");

    private LayerCosts() {
    }

    private static Map<String, String> ordered(String k1, String v1, String k2, String v2) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(k1, v1);
        m.put(k2, v2);
        return java.util.Collections.unmodifiableMap(m);
    }

    /** The variants the command appends to measure the layers (their labels are the maps' {@code toString}). */
    public static List<Map<String, String>> variants() {
        return List.of(WITHOUT_INSPECTION, WITHOUT_LAYERS);
    }

    /** One line per guarantee that has all three rows; none where a row is missing. */
    public static List<String> describe(List<PipelineBenchmark.Row> rows) {
        List<String> out = new ArrayList<>();
        for (String g : rows.stream().map(PipelineBenchmark.Row::guarantee).distinct().toList()) {
            PipelineBenchmark.Row served = find(rows, g, "defaults");
            PipelineBenchmark.Row noInspect = find(rows, g, WITHOUT_INSPECTION.toString());
            PipelineBenchmark.Row critic = find(rows, g, WITHOUT_LAYERS.toString());
            if (served == null || noInspect == null || critic == null) {
                continue;
            }
            // each row's scoring against its own passthrough, measured just before it: a machine that speeds up
            // or slows down during the run (the first row of a run is often the slowest) cancels out
            double all = ratio(critic);
            out.add(String.format(Locale.ROOT, "layer costs, %s: inspection stores %.1f %%, alarm layer %.1f %% of the critic-only"
                    + " scoring / passthrough ratio (%.2f; alarm layer on %.2f, both on %.2f: the served configuration)", g,
                    100 * (ratio(noInspect) - ratio(served)) / all, 100 * (all - ratio(noInspect)) / all, all,
                    ratio(noInspect), ratio(served)));
        }
        return out;
    }

    private static double ratio(PipelineBenchmark.Row r) {
        return r.scoringPerSecond() / r.passthroughPerSecond();
    }

    private static PipelineBenchmark.Row find(List<PipelineBenchmark.Row> rows, String guarantee, String variant) {
        return rows.stream().filter(r -> r.guarantee().equals(guarantee) && r.variant().equals(variant)).findFirst().orElse(null);
    }
}
