package io.earthmover.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class MetricsServerTest {
    private static int get(HttpClient http, String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void timesEveryRequestByRouteAndStatusClass() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (MetricsServer server = new MetricsServer("127.0.0.1", 0, registry, () -> false, () -> "no model")) {
            server.route("/api/", ex -> {
                try {
                    Thread.sleep(30); // a slow answer: the timer must see it
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                ex.sendResponseHeaders(404, -1);
                ex.close();
            });
            HttpClient http = HttpClient.newHttpClient();
            assertEquals(200, get(http, server.url() + "/health/live"));
            assertEquals(200, get(http, server.url() + "/health/live"));
            assertEquals(503, get(http, server.url() + "/health/ready"));
            assertEquals(404, get(http, server.url() + "/api/keys/x"));

            Timer live = registry.get(MetricNames.HTTP_REQUESTS).tags(MetricNames.TAG_ROUTE, "/health/live", MetricNames.TAG_STATUS, "2xx").timer();
            assertEquals(2, live.count());
            assertEquals(1, registry.get(MetricNames.HTTP_REQUESTS).tags(MetricNames.TAG_ROUTE, "/health/ready", MetricNames.TAG_STATUS, "5xx").timer().count());
            Timer api = registry.get(MetricNames.HTTP_REQUESTS).tags(MetricNames.TAG_ROUTE, "/api/", MetricNames.TAG_STATUS, "4xx").timer();
            assertEquals(1, api.count());
            assertTrue(api.totalTime(java.util.concurrent.TimeUnit.MILLISECONDS) >= 30, "the handler's time is measured");
            String scrape = registry.scrape();
            // the 50 ms target is a bucket edge, so the share of answers within it can be read off
            assertTrue(scrape.contains("earthmover_http_server_requests_seconds_bucket{route=\"/api/\",status=\"4xx\",le=\"0.05\"}"), scrape);
        }
    }
}
