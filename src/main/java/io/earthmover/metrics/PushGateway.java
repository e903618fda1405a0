package io.earthmover.metrics;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pushes a batch job's metrics to a Prometheus Pushgateway: a PUT of the text exposition format to
 * {@code /metrics/job/<job>}, which is all the Pushgateway protocol needs (no extra client library).
 * A failed push is logged, never fatal: the job's outcome does not depend on monitoring.
 */
public final class PushGateway {
    private static final Logger LOG = LoggerFactory.getLogger(PushGateway.class);
    private final String address;
    private final String job;

    public PushGateway(String address, String job) {
        this.address = address;
        this.job = job;
    }

    public boolean push(PrometheusMeterRegistry registry) {
        try {
            HttpRequest req = HttpRequest.newBuilder(URI.create("http://" + address + "/metrics/job/" + job))
                    .timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                    .PUT(HttpRequest.BodyPublishers.ofString(registry.scrape()))
                    .build();
            HttpResponse<String> r = HttpClient.newHttpClient().send(req, HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() / 100 != 2) {
                LOG.warn("Pushgateway {} answered {}: {}", address, r.statusCode(), r.body());
                return false;
            }
            return true;
        } catch (IOException | IllegalArgumentException e) {
            LOG.warn("cannot push metrics to {}: {}", address, e.toString());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
