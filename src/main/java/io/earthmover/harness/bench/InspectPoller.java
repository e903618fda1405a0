package io.earthmover.harness.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code bench soak}'s dashboard: polls a scorer's inspection API at a fixed rate, alternating
 * {@code GET /api/keys/{key}} of a random key and {@code GET /api/anomalies?limit=100}, as the page
 * and a dashboard do, so the soak's memory figures include the stores' read path. Open loop: each
 * request's latency counts from its scheduled time, so a slow answer cannot hide the ones behind it.
 * {@link #drain()} hands over the figures since the last call (one report line per minute).
 */
public final class InspectPoller implements Runnable {
    /** One interval's figures. */
    public record Window(int requests, int failed, long p99Millis) {
    }

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final double perSecond;
    private final int keys;
    private final AtomicBoolean running;
    private final Object lock = new Object();
    private final List<Long> latencies = new ArrayList<>();
    private int failed;

    /**
     * @param port      the scorer's HTTP port on 127.0.0.1
     * @param perSecond requests per second (above 0)
     * @param keys      keys {@code key-0 .. key-(keys-1)} the random key query picks from
     * @param running   polling stops when this turns false
     */
    public InspectPoller(int port, double perSecond, int keys, AtomicBoolean running) {
        if (!(perSecond > 0) || keys < 1) {
            throw new IllegalArgumentException("the poll rate and the key count must be positive");
        }
        this.base = "http://127.0.0.1:" + port;
        this.perSecond = perSecond;
        this.keys = keys;
        this.running = running;
    }

    @Override
    public void run() {
        Random rnd = new Random(3);
        long t0 = System.nanoTime();
        for (long i = 0; running.get(); i++) {
            long due = t0 + (long) (i * 1e9 / perSecond);
            long wait = due - System.nanoTime();
            if (wait > 0) {
                try {
                    TimeUnit.NANOSECONDS.sleep(wait);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            String path = i % 2 == 0 ? "/api/keys/key-" + rnd.nextInt(keys) : "/api/anomalies?limit=100";
            boolean ok = get(path);
            long millis = (System.nanoTime() - due) / 1_000_000;
            synchronized (lock) {
                latencies.add(millis);
                failed += ok ? 0 : 1;
            }
        }
    }

    private boolean get(String path) {
        try {
            HttpResponse<Void> r = client.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10))
                    .GET().build(), HttpResponse.BodyHandlers.discarding());
            return r.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The requests answered since the previous call, and their p99 (0 when there were none). */
    public Window drain() {
        synchronized (lock) {
            long[] l = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
            Window w = new Window(l.length, failed, l.length == 0 ? 0 : l[(int) Math.ceil(0.99 * l.length) - 1]);
            latencies.clear();
            failed = 0;
            return w;
        }
    }
}
