package io.earthmover.testutil;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A CSV to score with a {@link TestBundles} model of features cpu and mem: a header, 200 records of
 * hosts a and b (standard normal values, event times 1 s apart) with a clear outlier at record 150
 * (cpu 40), then one record with a cpu that is not a number (dead-lettered as WRONG_TYPE).
 */
public final class ScoringCsv {
    public static final List<String> FEATURES = List.of("cpu", "mem");
    public static final int RECORDS = 200;
    public static final int OUTLIER = 150;

    private ScoringCsv() {
    }

    public static List<String> lines() {
        Random r = new Random(4);
        List<String> lines = new ArrayList<>(List.of("host,ts,cpu,mem"));
        for (int i = 0; i < RECORDS; i++) {
            double cpu = i == OUTLIER ? 40 : r.nextGaussian();
            lines.add((i % 2 == 0 ? "a" : "b") + "," + (1000L * i) + "," + cpu + "," + r.nextGaussian());
        }
        lines.add("a,999999,not-a-number,1");
        return lines;
    }
}
