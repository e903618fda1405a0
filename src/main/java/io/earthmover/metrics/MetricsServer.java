package io.earthmover.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Serves {@code /metrics} (Prometheus text format), {@code /health/live} and {@code /health/ready}
 * with the JDK's HTTP server: a few small threads, no extra dependency. Other endpoints (the
 * inspection page and API) are added with {@link #route}.
 */
public final class MetricsServer implements AutoCloseable {
    /** Threads serving requests: a page load fetches a few files at once, and a forwarded query waits on another instance. */
    static final int THREADS = 4;

    /**
     * Buckets of the request timer: the inspection API's latency target (50 ms) is a bucket edge, so
     * Prometheus can tell the share of requests within it.
     */
    static final Duration[] SLO_BUCKETS = {Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10),
        Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
        Duration.ofMillis(1000), Duration.ofMillis(5000)};

    private final HttpServer server;
    private final ExecutorService executor;
    private final MeterRegistry registry;

    public MetricsServer(String host, int port, PrometheusMeterRegistry registry, BooleanSupplier ready,
            Supplier<String> readyDetail) {
        try {
            server = HttpServer.create(new InetSocketAddress(host, port), 16);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind the metrics server to " + host + ":" + port, e);
        }
        executor = Executors.newFixedThreadPool(THREADS, r -> {
            Thread t = new Thread(r, "earthmover-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        this.registry = registry;
        route("/metrics", ex -> respond(ex, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape()));
        route("/health/live", ex -> respond(ex, 200, "text/plain", "live\n"));
        route("/health/ready", ex -> {
            boolean ok = ready.getAsBoolean();
            respond(ex, ok ? 200 : 503, "text/plain", (ok ? "ready" : "not ready") + ": " + readyDetail.get() + "\n");
        });
        server.start();
    }

    /**
     * Serves {@code path} (and everything under it no other route claims) with {@code handler},
     * timed under {@link MetricNames#HTTP_REQUESTS} with the tag {@code route=path}.
     */
    public void route(String path, HttpHandler handler) {
        server.createContext(path, timed(path, handler));
    }

    private HttpHandler timed(String route, HttpHandler handler) {
        return ex -> {
            long t0 = System.nanoTime();
            try {
                handler.handle(ex);
            } finally {
                int status = ex.getResponseCode();
                timer(route, status < 0 ? "none" : (status / 100) + "xx").record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
            }
        };
    }

    private Timer timer(String route, String status) {
        return Timer.builder(MetricNames.HTTP_REQUESTS).description(MetricNames.HTTP_REQUESTS_DESC)
                .tag(MetricNames.TAG_ROUTE, route).tag(MetricNames.TAG_STATUS, status)
                .serviceLevelObjectives(SLO_BUCKETS).register(registry);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public String url() {
        return "http://" + server.getAddress().getHostString() + ":" + port();
    }

    private static void respond(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, b.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(b);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
