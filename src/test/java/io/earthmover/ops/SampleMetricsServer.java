package io.earthmover.ops;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;

/**
 * A tiny /metrics endpoint on 127.0.0.1 serving Prometheus text whose counters grow with every
 * scrape, so that rate() and histogram_quantile() have something to work on.
 */
final class SampleMetricsServer implements AutoCloseable {
    private final HttpServer server;

    private SampleMetricsServer(HttpServer server) {
        this.server = server;
    }

    /** Serves {@code body.apply(n)} on the n-th scrape (n = 1, 2, ...). */
    static SampleMetricsServer start(LongFunction<String> body) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            AtomicLong scrapes = new AtomicLong();
            server.createContext("/metrics", exchange -> {
                byte[] bytes = body.apply(scrapes.incrementAndGet()).getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
                exchange.sendResponseHeaders(200, bytes.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            });
            server.start();
            return new SampleMetricsServer(server);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String target() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    /** A scorer's metrics under the names the MetricNames/Micrometer conventions produce. */
    static String scorer(long n) {
        StringBuilder b = new StringBuilder();
        b.append("earthmover_records_in_total ").append(100 * n).append('\n');
        b.append("earthmover_records_scored_total ").append(97 * n).append('\n');
        b.append("earthmover_records_rejected_total{code=\"MALFORMED_JSON\"} ").append(2 * n).append('\n');
        b.append("earthmover_records_rejected_total{code=\"NON_FINITE\"} ").append(n).append('\n');
        b.append("earthmover_anomalies_total ").append(n).append('\n');
        histogram(b, "earthmover_score", new double[] {0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 1.0}, 97 * n, 0.3);
        histogram(b, "earthmover_latency_end_to_end_seconds", new double[] {0.005, 0.01, 0.05, 0.1, 0.5, 1}, 97 * n, 0.02);
        histogram(b, "earthmover_scoring_time_seconds", new double[] {1e-5, 5e-5, 1e-4, 5e-4, 1e-3}, 97 * n, 8e-5);
        b.append("earthmover_model_serving{model=\"default\",version=\"3\"} 1\n");
        b.append("earthmover_model_age_seconds ").append(3600 + n).append('\n');
        b.append("earthmover_model_loaded 1\n");
        b.append("earthmover_model_swaps_total ").append(1 + n / 10).append('\n');
        b.append("earthmover_model_rejected_total{reason=\"CORRUPT\"} 0\n");
        b.append("earthmover_window_keys 42\n");
        b.append("earthmover_drift_wasserstein 0.12\n");
        b.append("kafka_consumer_fetch_manager_records_lag_max{client_id=\"scorer-1\"} ").append(n % 7).append('\n');
        b.append("jvm_memory_used_bytes{area=\"heap\",id=\"G1 Eden Space\"} 1.2E8\n");
        b.append("jvm_memory_used_bytes{area=\"nonheap\",id=\"Metaspace\"} 6.0E7\n");
        b.append("jvm_gc_pause_seconds_count{action=\"end of minor GC\",cause=\"G1 Evacuation Pause\"} ").append(n).append('\n');
        b.append("jvm_gc_pause_seconds_sum{action=\"end of minor GC\",cause=\"G1 Evacuation Pause\"} ").append(0.004 * n).append('\n');
        b.append("process_cpu_usage 0.35\n");
        return b.toString();
    }

    /** A trainer's last push to the Pushgateway. */
    static String trainer(long n) {
        return "earthmover_train_wasserstein 0.8\n"
                + "earthmover_train_duration_seconds_count 1\n"
                + "earthmover_train_duration_seconds_sum 512.5\n"
                + "earthmover_train_gate_decisions_total{decision=\"accepted\"} 1\n"
                + "earthmover_train_gate_decisions_total{decision=\"rejected\"} 0\n"
                + "earthmover_train_last_success " + (System.currentTimeMillis() / 1000 - 600) + "\n";
    }

    /** Cumulative buckets of {@code count} observations, most of them near {@code typical}. */
    private static void histogram(StringBuilder b, String name, double[] bounds, long count, double typical) {
        for (double le : bounds) {
            long below = le >= typical ? Math.round(count * Math.min(1.0, 0.9 + 0.1 * typical / le)) : count / 20;
            b.append(name).append("_bucket{le=\"").append(le).append("\"} ").append(below).append('\n');
        }
        b.append(name).append("_bucket{le=\"+Inf\"} ").append(count).append('\n');
        b.append(name).append("_count ").append(count).append('\n');
        b.append(name).append("_sum ").append(count * typical).append('\n');
    }
}
