package io.earthmover.inspect;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Supplier;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/feedback}: an operator's word on one scored record, {@code {"key","id","label"}}.
 * The record must be among the key's recent outputs (the inspection store), so a typo cannot
 * silence a key; an accepted message is written to the {@code anomaly-feedback} topic, which the
 * scorer reads (one path for the page and for programs): 202, applied shortly after. 400 names
 * what is wrong with the body, 404 an id the key's recent outputs do not hold, 401 a missing or
 * wrong bearer token when {@code inspect.auth.token} is set. A key another instance holds is
 * checked there (the request is forwarded once, as reads are).
 */
public final class FeedbackApi implements HttpHandler {
    public static final String PATH = "/api/feedback";
    /** Far above any real message ({"key","id","label"} with a key of at most 1 KiB): a bigger body is refused unread. */
    static final int MAX_BODY_BYTES = 16 * 1024;
    private static final Logger LOG = LoggerFactory.getLogger(FeedbackApi.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Supplier<InspectQueries> queries;
    private final KeyOwners owners;
    private final FeedbackSink sink;
    private final byte[] token;
    private final Clock clock;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** {@code token} empty = writes are open; {@code queries} gives null while the stores cannot be queried. */
    public FeedbackApi(Supplier<InspectQueries> queries, KeyOwners owners, FeedbackSink sink, String token, Clock clock) {
        this.queries = queries;
        this.owners = owners;
        this.sink = sink;
        this.token = token.getBytes(StandardCharsets.UTF_8);
        this.clock = clock;
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        try {
            if (!ex.getRequestURI().getRawPath().equals(PATH)) {
                throw new BadRequest(404, "no such endpoint: POST " + PATH);
            }
            if (!ex.getRequestMethod().equals("POST")) {
                ex.getResponseHeaders().set("Allow", "POST");
                throw new BadRequest(405, "only POST is served at " + PATH);
            }
            authorise(ex);
            byte[] body = body(ex);
            FeedbackMessage m = message(body);
            byte[] key = m.key().getBytes(StandardCharsets.UTF_8);
            boolean local = "local=1".equals(ex.getRequestURI().getRawQuery());
            KeyOwners.Owner owner = local ? new KeyOwners.Local() : owners.ownerOf(key);
            if (owner instanceof KeyOwners.Unavailable u) {
                throw new BadRequest(503, u.why());
            } else if (owner instanceof KeyOwners.Remote r) {
                forward(ex, r.hostPort(), body);
            } else {
                accept(ex, key, m);
            }
        } catch (BadRequest e) {
            error(ex, e.status(), e.getMessage());
        } catch (InvalidStateStoreException e) {
            error(ex, 503, "the scorer's state stores are not queryable now (rebalancing); try again");
        } catch (RuntimeException e) {
            LOG.warn("feedback API failed on {}", ex.getRequestURI(), e);
            error(ex, 500, "internal error: " + e.getClass().getSimpleName());
        }
    }

    /** A set token is compared in constant time, so its bytes cannot be guessed from response times. */
    private void authorise(HttpExchange ex) {
        if (token.length == 0) {
            return;
        }
        String h = ex.getRequestHeaders().getFirst("Authorization");
        byte[] given = h != null && h.startsWith("Bearer ") ? h.substring(7).getBytes(StandardCharsets.UTF_8) : new byte[0];
        if (!MessageDigest.isEqual(given, token)) {
            ex.getResponseHeaders().set("WWW-Authenticate", "Bearer");
            throw new BadRequest(401, "feedback needs the header Authorization: Bearer <inspect.auth.token>");
        }
    }

    private static byte[] body(HttpExchange ex) throws IOException {
        try (InputStream in = ex.getRequestBody()) {
            byte[] b = in.readNBytes(MAX_BODY_BYTES + 1);
            if (b.length > MAX_BODY_BYTES) {
                throw new BadRequest(413, "the body is larger than " + MAX_BODY_BYTES + " bytes");
            }
            return b;
        }
    }

    private static FeedbackMessage message(byte[] body) {
        try {
            return FeedbackMessage.parse(body);
        } catch (IllegalArgumentException e) {
            throw new BadRequest(400, e.getMessage());
        }
    }

    private void accept(HttpExchange ex, byte[] key, FeedbackMessage m) throws IOException {
        InspectQueries iq = queries.get();
        if (iq == null) {
            throw new BadRequest(503, "the scorer's state stores are not queryable yet (starting or rebalancing)");
        }
        if (!iq.holds(key, m.id(), clock.millis())) {
            throw new BadRequest(404, "unknown id '" + m.id() + "' for key '" + m.key()
                    + "': not among its recent outputs (inspect.recent.per.key, inspect.retention.ms)");
        }
        try {
            sink.send(key, m.toJson());
        } catch (Exception e) {
            LOG.warn("could not write feedback for key {}: {}", m.key(), e.toString());
            throw new BadRequest(503, "could not write the feedback to its topic; try again");
        }
        ObjectNode ok = JSON.createObjectNode();
        ok.put("accepted", true).put("key", m.key()).put("id", m.id()).put("label", m.label().wire());
        InspectApi.send(ex, 202, JSON.writeValueAsBytes(ok));
    }

    private void forward(HttpExchange ex, String hostPort, byte[] body) throws IOException {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://" + hostPort + PATH + "?local=1"))
                .timeout(Duration.ofSeconds(5)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        if (auth != null) {
            r.header("Authorization", auth);
        }
        try {
            HttpResponse<byte[]> answer = http.send(r.build(), HttpResponse.BodyHandlers.ofByteArray());
            InspectApi.send(ex, answer.statusCode(), answer.body());
        } catch (IOException e) {
            throw new BadRequest(502, "the instance that holds this key (" + hostPort + ") did not answer");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BadRequest(503, "interrupted while asking the instance that holds this key");
        }
    }

    private static void error(HttpExchange ex, int status, String message) throws IOException {
        ObjectNode e = JSON.createObjectNode();
        e.put("error", message);
        e.put("status", status);
        InspectApi.send(ex, status, JSON.writeValueAsBytes(e));
    }
}
