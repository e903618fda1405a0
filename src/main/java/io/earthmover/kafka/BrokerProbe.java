package io.earthmover.kafka;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Waits at start-up until one bootstrap server accepts a TCP connection. Without it a command
 * pointed at an address where nothing listens meets a Kafka client warning every second for a
 * minute and then a stack trace; with it, one line that says where, what and for how long.
 * A connection is all it checks: TLS, SASL and the Kafka protocol are left to the clients.
 */
public final class BrokerProbe {
    private static final int CONNECT_TIMEOUT_MS = 1000;
    private static final long PAUSE_MS = 200;

    private BrokerProbe() {
    }

    /**
     * Returns once a server accepts a connection.
     *
     * @param bootstrapServers {@code host:port[,host:port...]}, already validated
     * @param wait             how long to keep trying
     * @param waitSetting      the setting that changes {@code wait}, named in the message
     * @throws KafkaUnreachableException when none did within {@code wait}
     */
    public static void await(String bootstrapServers, Duration wait, String waitSetting) {
        List<InetSocketAddress> addresses = new ArrayList<>();
        for (String s : bootstrapServers.split(",")) {
            String t = s.trim();
            int colon = t.lastIndexOf(':');
            String host = t.substring(0, colon).replace("[", "").replace("]", "");
            addresses.add(InetSocketAddress.createUnresolved(host, Integer.parseInt(t.substring(colon + 1))));
        }
        long start = System.nanoTime();
        long deadline = start + wait.toNanos();
        String lastError;
        int tries = 0;
        do {
            tries++;
            lastError = null;
            for (InetSocketAddress a : addresses) {
                String error = tryConnect(a);
                if (error == null) {
                    return;
                }
                lastError = error;
            }
            sleep();
        } while (System.nanoTime() < deadline);
        throw new KafkaUnreachableException(String.format(Locale.ROOT,
                "cannot reach Kafka at %s (kafka.bootstrap.servers): %s; tried %d time(s) over %.1f s. Start a broker there, "
                        + "point --bootstrap-servers at one, or set %s to wait longer (now %d ms)",
                bootstrapServers, lastError, tries, (System.nanoTime() - start) / 1e9, waitSetting, wait.toMillis()));
    }

    /** Null when the address accepts a connection, else why not. */
    private static String tryConnect(InetSocketAddress unresolved) {
        InetSocketAddress a = new InetSocketAddress(unresolved.getHostString(), unresolved.getPort());
        if (a.isUnresolved()) {
            return "unknown host " + unresolved.getHostString();
        }
        try (Socket s = new Socket()) {
            s.connect(a, CONNECT_TIMEOUT_MS);
            return null;
        } catch (IOException e) {
            String m = e.getMessage();
            return (m == null ? e.getClass().getSimpleName() : m.toLowerCase(Locale.ROOT)) + " on " + unresolved.getHostString()
                    + ":" + unresolved.getPort();
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(PAUSE_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaUnreachableException("interrupted while waiting for Kafka");
        }
    }
}
