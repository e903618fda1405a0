package io.earthmover.ops;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * A real Prometheus Pushgateway (Debian's {@code prometheus-pushgateway}) on 127.0.0.1 and a free
 * port, without persistence. The trainer pushes to it exactly as in production.
 */
final class PushgatewayServer implements AutoCloseable {
    static final String BINARY = "prometheus-pushgateway";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final Process process;
    private final File log;
    private final int port;

    private PushgatewayServer(Process process, File log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    static PushgatewayServer start(Path binary) {
        try {
            int port;
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = s.getLocalPort();
            }
            File log = Files.createTempFile("earthmover-pushgateway", ".log").toFile();
            Process p = new ProcessBuilder(binary.toString(), "--web.listen-address=127.0.0.1:" + port)
                    .redirectErrorStream(true).redirectOutput(log).start();
            PushgatewayServer server = new PushgatewayServer(p, log, port);
            server.awaitReady();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** host:port, the form of the {@code metrics.pushgateway} setting and of a scrape target. */
    String address() {
        return "127.0.0.1:" + port;
    }

    private void awaitReady() {
        HttpClient http = HttpClient.newHttpClient();
        URI ready = URI.create("http://" + address() + "/-/ready");
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (Instant.now().isBefore(deadline) && process.isAlive()) {
            try {
                if (http.send(HttpRequest.newBuilder(ready).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        String out = readLog();
        close();
        throw new IllegalStateException("pushgateway not ready within " + START_TIMEOUT + ":\n" + out);
    }

    private String readLog() {
        try {
            return Files.readString(log.toPath());
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        log.delete();
    }
}
