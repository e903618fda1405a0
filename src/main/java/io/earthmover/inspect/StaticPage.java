package io.earthmover.inspect;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The inspection page at {@code /}: three static files from the jar, read once. A strict
 * Content-Security-Policy backs up the page's own escaping: no inline script, no other origin.
 */
public final class StaticPage implements HttpHandler {
    private static final String BASE = "/io/earthmover/inspect/web/";
    private static final Map<String, String> TYPES = Map.of(
            "index.html", "text/html; charset=utf-8",
            "app.js", "text/javascript; charset=utf-8",
            "style.css", "text/css; charset=utf-8");
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private final Map<String, byte[]> files;

    public StaticPage() {
        files = Map.of("index.html", load("index.html"), "app.js", load("app.js"), "style.css", load("style.css"));
    }

    private static byte[] load(String name) {
        try (InputStream in = StaticPage.class.getResourceAsStream(BASE + name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + BASE + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getRawPath();
        String name = path.equals("/") ? "index.html" : path.substring(1);
        byte[] body = files.get(name);
        if (!ex.getRequestMethod().equals("GET") && !ex.getRequestMethod().equals("HEAD")) {
            reply(ex, 405, "application/json; charset=utf-8", "{\"error\":\"only GET is served\",\"status\":405}".getBytes(StandardCharsets.UTF_8));
        } else if (body == null) {
            reply(ex, 404, "application/json; charset=utf-8", "{\"error\":\"not found\",\"status\":404}".getBytes(StandardCharsets.UTF_8));
        } else {
            reply(ex, 200, TYPES.get(name), body);
        }
    }

    private static void reply(HttpExchange ex, int status, String type, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", type);
        ex.getResponseHeaders().set("Content-Security-Policy", CSP);
        ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        ex.getResponseHeaders().set("Cache-Control", "no-cache");
        boolean head = ex.getRequestMethod().equals("HEAD");
        ex.sendResponseHeaders(status, head ? -1 : body.length);
        try (OutputStream os = ex.getResponseBody()) {
            if (!head) {
                os.write(body);
            }
        }
    }
}
