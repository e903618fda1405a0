package io.earthmover.ops;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A real Prometheus server (Debian's {@code prometheus} binary) on 127.0.0.1 and a free port, with
 * its own temporary data directory, scraping the given targets by job name. Closing it stops
 * the process and deletes the directory.
 */
final class PrometheusServer implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration POLL = Duration.ofMillis(250);

    private final Path dir;
    private final Process process;
    private final int port;
    private final int targetCount;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** Result of one instant query: status "success" or "error", and the error text if any. */
    record QueryResult(String status, String errorType, String error, JsonNode result) {
        boolean parsed() {
            return "success".equals(status);
        }

        boolean hasData() {
            return parsed() && result != null && (result.isArray() ? !result.isEmpty() : !result.isNull());
        }
    }

    private PrometheusServer(Path dir, Process process, int port, int targetCount) {
        this.dir = dir;
        this.process = process;
        this.port = port;
        this.targetCount = targetCount;
    }

    /**
     * Starts Prometheus scraping each job's targets ("host:port", path /metrics) every
     * {@code scrapeInterval}, and waits until it is ready.
     */
    static PrometheusServer start(Path prometheusBinary, Map<String, List<String>> targetsByJob, Duration scrapeInterval) {
        return start(prometheusBinary, targetsByJob, scrapeInterval, Set.of());
    }

    /**
     * As {@link #start(Path, Map, Duration)}; the jobs in {@code honorLabels} keep the job and
     * instance labels of the scraped series (a Pushgateway's, as in production).
     */
    static PrometheusServer start(Path prometheusBinary, Map<String, List<String>> targetsByJob, Duration scrapeInterval,
            Set<String> honorLabels) {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("earthmover-prometheus");
            int port = freePort();
            String interval = scrapeInterval.toMillis() + "ms";
            StringBuilder config = new StringBuilder()
                    .append("global:\n  scrape_interval: ").append(interval).append('\n')
                    .append("  scrape_timeout: ").append(interval).append('\n')
                    .append("  evaluation_interval: ").append(interval).append('\n')
                    .append("scrape_configs:\n");
            targetsByJob.forEach((job, targets) -> {
                config.append("  - job_name: '").append(job).append("'\n")
                        .append(honorLabels.contains(job) ? "    honor_labels: true\n" : "")
                        .append("    static_configs:\n      - targets: [");
                for (int i = 0; i < targets.size(); i++) {
                    config.append(i == 0 ? "" : ", ").append('\'').append(targets.get(i)).append('\'');
                }
                config.append("]\n");
            });
            Path configFile = Files.writeString(dir.resolve("prometheus.yml"), config);
            Process process = new ProcessBuilder(prometheusBinary.toString(),
                    "--config.file=" + configFile,
                    "--storage.tsdb.path=" + dir.resolve("data"),
                    "--web.listen-address=127.0.0.1:" + port)
                    .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
            PrometheusServer server = new PrometheusServer(dir, process, port,
                    targetsByJob.values().stream().mapToInt(List::size).sum());
            server.awaitReady();
            return server;
        } catch (IOException e) {
            deleteQuietly(dir);
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            deleteQuietly(dir);
            throw e;
        }
    }

    int port() {
        return port;
    }

    /** Waits until every target has been scraped successfully at least {@code scrapes} times. */
    void awaitScraped(int scrapes, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        String q = "count(count_over_time(up[10m]) >= " + scrapes + " and up == 1) == " + targetCount;
        while (Instant.now().isBefore(deadline)) {
            if (query(q).hasData()) {
                return;
            }
            sleep();
        }
        throw new IllegalStateException("targets not scraped " + scrapes + " times within " + timeout + "; log:\n" + log());
    }

    /** Runs an instant query through {@code /api/v1/query}. */
    QueryResult query(String promql) {
        return get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
    }

    /** Runs a range query through {@code /api/v1/query_range}; each result carries a "values" array. */
    QueryResult queryRange(String promql, Instant start, Instant end, Duration step) {
        return get("/api/v1/query_range?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)
                + "&start=" + start.toEpochMilli() / 1000.0 + "&end=" + end.toEpochMilli() / 1000.0
                + "&step=" + step.toMillis() / 1000.0);
    }

    private QueryResult get(String pathAndQuery) {
        URI uri = URI.create("http://127.0.0.1:" + port + pathAndQuery);
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode body = PromQlExpressions.JSON.readTree(response.body());
            return new QueryResult(body.path("status").asText(), body.path("errorType").asText(null),
                    body.path("error").asText(null), body.path("data").path("result"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    String log() {
        try {
            return Files.readString(dir.resolve("prometheus.log"));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        deleteQuietly(dir);
    }

    private void awaitReady() {
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        URI ready = URI.create("http://127.0.0.1:" + port + "/-/ready");
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                String log = log();
                close();
                throw new IllegalStateException("prometheus exited with " + process.exitValue() + ":\n" + log);
            }
            try {
                if (http.send(HttpRequest.newBuilder(ready).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            sleep();
        }
        String log = log();
        close();
        throw new IllegalStateException("prometheus not ready within " + START_TIMEOUT + ":\n" + log);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(POLL.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort: a temp directory
        }
    }
}
