package io.earthmover.inspect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /api/keys/{key}}, {@code GET /api/keys?hex=…} and {@code GET /api/anomalies?since=…&limit=…}:
 * read-only JSON. A key another instance holds is asked of that instance (once: a forwarded
 * request is answered locally); the alarm list merges every instance's. Bad input gets a 4xx
 * JSON error, an instance that cannot answer a 5xx one naming it; never a stack trace.
 */
public final class InspectApi implements HttpHandler {
    public static final int MAX_LIMIT = 1000;
    static final int DEFAULT_LIMIT = 100;
    static final int MAX_URI_CHARS = 4096;
    /** Marks a request one instance passes to another, which then answers from its own stores only. */
    static final String LOCAL_PARAM = "local";
    private static final Logger LOG = LoggerFactory.getLogger(InspectApi.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Supplier<InspectQueries> queries;
    private final KeyOwners owners;
    private final Clock clock;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** {@code queries} gives null while the stores cannot be queried (Streams not started yet). */
    public InspectApi(Supplier<InspectQueries> queries, KeyOwners owners, Clock clock) {
        this.queries = queries;
        this.owners = owners;
        this.clock = clock;
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        try {
            if (!ex.getRequestMethod().equals("GET")) {
                ex.getResponseHeaders().set("Allow", "GET");
                throw new BadRequest(405, "only GET is served");
            }
            String raw = ex.getRequestURI().getRawPath();
            if (ex.getRequestURI().toString().length() > MAX_URI_CHARS) {
                throw new BadRequest(414, "the request URI is longer than " + MAX_URI_CHARS + " characters");
            }
            Map<String, String> q = query(ex.getRequestURI().getRawQuery());
            if (raw.equals("/api/anomalies")) {
                anomalies(ex, q);
            } else if (raw.equals("/api/keys") && q.containsKey("hex")) {
                key(ex, KeyText.fromHex(q.get("hex")), q);
            } else if (raw.startsWith("/api/keys/") && raw.length() > "/api/keys/".length()) {
                key(ex, KeyText.fromPathSegment(raw.substring("/api/keys/".length())), q);
            } else {
                throw new BadRequest(404, "no such endpoint: GET /api/keys/{key}, /api/keys?hex=..., /api/anomalies");
            }
        } catch (BadRequest e) {
            error(ex, e.status(), e.getMessage(), null);
        } catch (InvalidStateStoreException e) {
            error(ex, 503, "the scorer's state stores are not queryable now (rebalancing); try again", null);
        } catch (RuntimeException e) {
            LOG.warn("inspection API failed on {}", ex.getRequestURI(), e);
            error(ex, 500, "internal error: " + e.getClass().getSimpleName(), null);
        }
    }

    private void key(HttpExchange ex, byte[] key, Map<String, String> q) throws IOException {
        KeyOwners.Owner owner = q.containsKey(LOCAL_PARAM) ? new KeyOwners.Local() : owners.ownerOf(key);
        if (owner instanceof KeyOwners.Unavailable u) {
            error(ex, 503, u.why(), null);
        } else if (owner instanceof KeyOwners.Remote r) {
            forward(ex, r.hostPort(), key);
        } else {
            InspectQueries iq = available();
            var found = iq.key(key, clock.millis());
            if (found.isEmpty()) {
                error(ex, 404, "no recent outputs for this key (unknown, or older than inspect.retention.ms)", key);
            } else {
                found.get().put("answeredBy", owners.self());
                send(ex, 200, JSON.writeValueAsBytes(found.get()));
            }
        }
    }

    private void forward(HttpExchange ex, String hostPort, byte[] key) throws IOException {
        URI uri = URI.create("http://" + hostPort + "/api/keys?hex=" + HexFormat.of().formatHex(key) + "&" + LOCAL_PARAM + "=1");
        try {
            HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            send(ex, r.statusCode(), r.body());
        } catch (IOException e) {
            error(ex, 502, "the instance that holds this key did not answer; ask it directly", key, hostPort);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            error(ex, 503, "interrupted while asking the instance that holds this key", key, hostPort);
        }
    }

    private void anomalies(HttpExchange ex, Map<String, String> q) throws IOException {
        long since = since(q.get("since"));
        int limit = limit(q.get("limit"));
        ObjectNode out = available().anomalies(since, limit, clock.millis());
        ArrayNode unanswered = out.putArray("unansweredInstances");
        if (!q.containsKey(LOCAL_PARAM)) {
            List<JsonNode> all = new ArrayList<>();
            out.withArray("anomalies").forEach(all::add);
            for (String other : owners.others()) {
                JsonNode theirs = askAnomalies(other, since, limit);
                if (theirs == null) {
                    unanswered.add(other);
                } else {
                    theirs.path("anomalies").forEach(all::add);
                }
            }
            all.sort(Comparator.comparingLong((JsonNode n) -> n.path("scoredAt").asLong()).reversed());
            ArrayNode merged = JSON.createArrayNode();
            all.stream().limit(limit).forEach(merged::add);
            out.set("anomalies", merged);
            out.put("truncated", out.path("truncated").asBoolean() || all.size() > limit);
        }
        out.put("answeredBy", owners.self());
        send(ex, 200, JSON.writeValueAsBytes(out));
    }

    private JsonNode askAnomalies(String hostPort, long since, int limit) {
        URI uri = URI.create("http://" + hostPort + "/api/anomalies?since=" + since + "&limit=" + limit + "&" + LOCAL_PARAM + "=1");
        try {
            HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            return r.statusCode() == 200 ? JSON.readTree(r.body()) : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private InspectQueries available() {
        InspectQueries iq = queries.get();
        if (iq == null) {
            throw new BadRequest(503, "the scorer's state stores are not queryable yet (starting or rebalancing)");
        }
        return iq;
    }

    /** {@code since}: epoch milliseconds or an ISO-8601 instant; absent = everything retained. */
    static long since(String s) {
        if (s == null || s.isEmpty()) {
            return 0L;
        }
        if (s.chars().allMatch(Character::isDigit) && s.length() <= 18) {
            return Long.parseLong(s);
        }
        try {
            return Instant.parse(s).toEpochMilli();
        } catch (DateTimeParseException | ArithmeticException e) {
            throw new BadRequest("since must be epoch milliseconds or an ISO-8601 instant (2026-01-31T12:00:00Z)");
        }
    }

    static int limit(String s) {
        if (s == null || s.isEmpty()) {
            return DEFAULT_LIMIT;
        }
        if (s.length() > 9 || !s.chars().allMatch(Character::isDigit)) {
            throw new BadRequest("limit must be an integer from 1 to " + MAX_LIMIT);
        }
        int n = Integer.parseInt(s);
        if (n < 1 || n > MAX_LIMIT) {
            throw new BadRequest("limit must be an integer from 1 to " + MAX_LIMIT);
        }
        return n;
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> q = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return q;
        }
        for (String part : raw.split("&")) {
            int eq = part.indexOf('=');
            String name = eq < 0 ? part : part.substring(0, eq);
            String value = eq < 0 ? "" : part.substring(eq + 1);
            try {
                q.put(java.net.URLDecoder.decode(name, java.nio.charset.StandardCharsets.UTF_8),
                        java.net.URLDecoder.decode(value, java.nio.charset.StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                throw new BadRequest("malformed query string");
            }
        }
        return q;
    }

    private static void error(HttpExchange ex, int status, String message, byte[] key) throws IOException {
        error(ex, status, message, key, null);
    }

    private static void error(HttpExchange ex, int status, String message, byte[] key, String instance) throws IOException {
        ObjectNode e = key == null ? JSON.createObjectNode() : InspectQueries.keyNode(key);
        e.put("error", message);
        e.put("status", status);
        if (instance != null) {
            e.put("instance", instance);
        }
        send(ex, status, JSON.writeValueAsBytes(e));
    }

    static void send(HttpExchange ex, int status, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        ex.sendResponseHeaders(status, body.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(body);
        }
    }
}
