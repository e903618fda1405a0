package io.earthmover.harness.demo;

import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How well the injected anomalies were found. Recall counts injected anomalies (events): one is
 * found when any of its records is flagged. Precision counts flagged records: a flag is right when
 * its record belongs to an injected anomaly.
 */
public record DemoScore(int events, int found, int flagged, int flaggedInside, int anomalousRecords,
                        int anomalousFlagged, Map<DemoStream.Kind, int[]> byKind) {

    public double precision() {
        return flagged == 0 ? 0 : flaggedInside / (double) flagged;
    }

    public double recall() {
        return events == 0 ? 0 : found / (double) events;
    }

    /** Share of anomalous records flagged (a stricter, per-record view). */
    public double pointRecall() {
        return anomalousRecords == 0 ? 0 : anomalousFlagged / (double) anomalousRecords;
    }

    /**
     * @param events  the stream as sent, with each record's anomaly id (or -1)
     * @param flagged indices into {@code events} of the records the scorer flagged
     */
    public static DemoScore of(List<DemoStream.Event> events, List<DemoStream.Anomaly> anomalies, Set<Integer> flagged) {
        Set<Integer> foundIds = new HashSet<>();
        int inside = 0;
        int anomalous = 0;
        int anomalousFlagged = 0;
        for (int i = 0; i < events.size(); i++) {
            int a = events.get(i).anomaly();
            boolean f = flagged.contains(i);
            if (a >= 0) {
                anomalous++;
                if (f) {
                    anomalousFlagged++;
                    foundIds.add(a);
                }
            }
            if (f && a >= 0) {
                inside++;
            }
        }
        Map<DemoStream.Kind, int[]> byKind = new EnumMap<>(DemoStream.Kind.class);
        for (DemoStream.Anomaly a : anomalies) {
            int[] c = byKind.computeIfAbsent(a.kind(), k -> new int[2]);
            c[0]++;
            if (foundIds.contains(a.id())) {
                c[1]++;
            }
        }
        return new DemoScore(anomalies.size(), foundIds.size(), flagged.size(), inside, anomalous, anomalousFlagged, byKind);
    }
}
