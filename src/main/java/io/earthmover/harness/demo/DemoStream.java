package io.earthmover.harness.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * A realistic multivariate stream for the demo: several hosts with a daily load cycle (one
 * simulated day is {@link #STEPS_PER_DAY} records per host), noise, and correlated metrics:
 * cpu, mem, net_in, net_out (follows net_in), temp (follows load) and disk_io (independent).
 * {@link #withAnomalies} injects labelled anomalies of four kinds.
 */
public final class DemoStream {
    public static final int STEPS_PER_DAY = 240;
    public static final long STEP_MILLIS = 6 * 60_000L;
    public static final List<String> FEATURES = List.of("cpu", "disk_io", "mem", "net_in", "net_out", "temp");

    /** The kinds of injected anomaly. */
    public enum Kind {
        SPIKE(2), LEVEL_SHIFT(20), BROKEN_CORRELATION(20), FROZEN_SENSOR(40);

        final int length;

        Kind(int length) {
            this.length = length;
        }
    }

    /** One injected anomaly: which host, from which step, how long, and what it did. */
    public record Anomaly(int id, String host, Kind kind, int start, int length, String feature) {
        boolean covers(String h, int step) {
            return host.equals(h) && step >= start && step < start + length;
        }
    }

    /** One record of the stream: host (the Kafka key), step, event time, values, and the anomaly it belongs to (or -1). */
    public record Event(String host, int step, long ts, double[] values, int anomaly) {
        public String json(String id) {
            StringBuilder sb = new StringBuilder(160).append("{\"id\":\"").append(id).append("\",\"ts\":").append(ts)
                    .append(",\"features\":{");
            for (int i = 0; i < FEATURES.size(); i++) {
                if (i > 0) {
                    sb.append(',');
                }
                sb.append('"').append(FEATURES.get(i)).append("\":").append(String.format(Locale.ROOT, "%.3f", values[i]));
            }
            return sb.append("}}").toString();
        }
    }

    private final int hosts;
    private final long seed;
    private final long startMillis;

    public DemoStream(int hosts, long seed, long startMillis) {
        this.hosts = hosts;
        this.seed = seed;
        this.startMillis = startMillis;
    }

    public static String host(int h) {
        return "host-" + (h + 1);
    }

    /** Normal data only, steps [from, from+steps) for every host, interleaved in time order. */
    public List<Event> normal(int from, int steps) {
        return generate(from, steps, List.of());
    }

    /** The anomalies to inject into steps [from, from+steps): {@code perKind} of each kind, spread over hosts and time. */
    public List<Anomaly> plan(int from, int steps, int perKind) {
        Random r = new Random(seed * 31 + 7);
        List<Anomaly> out = new ArrayList<>();
        int n = perKind * Kind.values().length;
        int kinds = Kind.values().length;
        // each host gets its share of events; on one host they are a fixed gap apart, in turn of kind
        int perHost = (n + hosts - 1) / hosts;
        int gap = steps / perHost;
        for (int k = 0; k < n; k++) {
            Kind kind = Kind.values()[k % kinds];
            int h = (k / kinds + k) % hosts;
            int slot = k / hosts;
            String host = host(h);
            int lo = from + slot * gap + 5;
            int hi = lo + gap - kind.length - 10;
            int start = lo + r.nextInt(Math.max(1, hi - lo));
            if (kind == Kind.FROZEN_SENSOR) {
                // freeze where the daily cycle moves fastest, so the stuck value soon contradicts the others
                int offset = (int) Math.round(phaseOffset(host) * STEPS_PER_DAY / (2 * Math.PI));
                int best = start;
                for (int c = lo; c <= hi; c++) {
                    if (Math.floorMod(c + offset, STEPS_PER_DAY / 2) == 0) {
                        best = c;
                        break;
                    }
                }
                start = best;
            }
            String feature = switch (kind) {
                case SPIKE -> List.of("cpu", "disk_io", "net_in").get(r.nextInt(3));
                case LEVEL_SHIFT -> List.of("mem", "disk_io", "cpu").get(r.nextInt(3));
                case BROKEN_CORRELATION -> "net_out";
                case FROZEN_SENSOR -> "temp";
            };
            out.add(new Anomaly(out.size(), host, kind, start, kind.length, feature));
        }
        return out;
    }

    public List<Event> withAnomalies(int from, int steps, List<Anomaly> anomalies) {
        return generate(from, steps, anomalies);
    }

    private static double phaseOffset(String host) {
        return (host.hashCode() & 0xff) / 255.0 * Math.PI;
    }

    private List<Event> generate(int from, int steps, List<Anomaly> anomalies) {
        Random r = new Random(seed + from * 1_000_003L);
        double[] ar = new double[hosts];
        double[] frozenValue = new double[anomalies.size()];
        List<Event> out = new ArrayList<>(steps * hosts);
        for (int t = from; t < from + steps; t++) {
            for (int h = 0; h < hosts; h++) {
                String host = host(h);
                ar[h] = 0.8 * ar[h] + 0.2 * r.nextGaussian();
                double load = 0.5 + 0.35 * Math.sin(2 * Math.PI * t / STEPS_PER_DAY + phaseOffset(host)) + 0.05 * ar[h];
                double level = 1 + 0.1 * h;
                double cpu = level * 100 * load + 3 * r.nextGaussian();
                double mem = 40 + 30 * load + 2 * r.nextGaussian();
                double netIn = level * 200 * load + 10 * r.nextGaussian();
                double netOut = 0.6 * netIn + 5 * r.nextGaussian();
                double disk = 50 + 8 * r.nextGaussian();
                double temp = 45 + 20 * load + 0.5 * r.nextGaussian();
                double extra = r.nextGaussian(); // drawn for every record, so normal records do not depend on the injections
                double[] v = {cpu, disk, mem, netIn, netOut, temp};
                int label = -1;
                for (Anomaly a : anomalies) {
                    if (!a.covers(host, t)) {
                        continue;
                    }
                    label = a.id();
                    int f = FEATURES.indexOf(a.feature());
                    switch (a.kind()) {
                        case SPIKE -> v[f] += f == 1 ? 60 : f == 0 ? 60 : 150;
                        case LEVEL_SHIFT -> v[f] += f == 2 ? 25 : f == 1 ? 50 : 40;
                        case BROKEN_CORRELATION -> v[f] = 0.2 * 0.6 * netIn + 5 * extra; // egress collapses, ingress normal
                        case FROZEN_SENSOR -> {
                            if (t == a.start()) {
                                frozenValue[a.id()] = v[f];
                            }
                            v[f] = frozenValue[a.id()];
                        }
                    }
                }
                out.add(new Event(host, t, startMillis + t * STEP_MILLIS, v, label));
            }
        }
        return out;
    }
}
