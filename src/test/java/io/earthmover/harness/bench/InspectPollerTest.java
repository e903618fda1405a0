package io.earthmover.harness.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class InspectPollerTest {
    @Test
    void pollsKeysAndTheAnomalyListAlternatelyAndCountsFailures() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().toString();
            seen.add(path);
            // the anomaly list fails, so failures are counted apart from answers
            exchange.sendResponseHeaders(path.startsWith("/api/anomalies") ? 500 : 200, -1);
            exchange.close();
        });
        server.start();
        AtomicBoolean running = new AtomicBoolean(true);
        try {
            InspectPoller poller = new InspectPoller(server.getAddress().getPort(), 50, 3, running);
            Thread t = new Thread(poller);
            t.start();
            while (seen.size() < 20) {
                Thread.sleep(20);
            }
            running.set(false);
            t.join(10_000);
            InspectPoller.Window w = poller.drain();
            assertThat(w.requests()).isGreaterThanOrEqualTo(20);
            assertThat(w.failed()).isBetween(w.requests() / 2 - 1, w.requests() / 2 + 1);
            assertThat(seen).anyMatch(p -> p.matches("/api/keys/key-[0-2]"));
            assertThat(seen).allMatch(p -> p.matches("/api/keys/key-[0-2]") || p.equals("/api/anomalies?limit=100"));
            assertThat(poller.drain().requests()).isZero();
        } finally {
            running.set(false);
            server.stop(0);
        }
    }
}
