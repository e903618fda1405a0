package io.earthmover.kafka;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node KRaft Kafka broker (broker and controller in one process), started from the
 * Kafka jars. Every listener binds to 127.0.0.1. Unless a data directory is given, each start gets
 * a fresh temporary one that is deleted on close and after a failed start.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);
    private static final String HOST = "127.0.0.1";
    /** Large enough for model bundles and for the 5 MB poison records the reliability tests send. */
    public static final int MAX_MESSAGE_BYTES = 32 << 20;

    private final Options options;
    private final Path dataDir;
    private final boolean ownsDataDir;
    private final int port;
    private final int controllerPort;
    private KafkaRaftServer server;
    private final long startMillis;

    /**
     * How to start a broker. {@code saslUsers} non-empty adds a SASL_PLAINTEXT SCRAM-SHA-512 listener;
     * {@code tls} adds a TLS listener (SASL_SSL with SCRAM when there are SASL users, else SSL).
     */
    public record Options(int port, Path dataDir, Map<String, String> saslUsers, Map<String, String> extraProperties, Tls tls) {
        public Options {
            saslUsers = Map.copyOf(saslUsers);
            extraProperties = Map.copyOf(extraProperties);
        }

        public static Options defaults() {
            return new Options(0, null, Map.of(), Map.of(), null);
        }

        public Options withPort(int p) {
            return new Options(p, dataDir, saslUsers, extraProperties, tls);
        }

        public Options withDataDir(Path d) {
            return new Options(port, d, saslUsers, extraProperties, tls);
        }

        public Options withSaslUsers(Map<String, String> users) {
            return new Options(port, dataDir, users, extraProperties, tls);
        }

        public Options withProperties(Map<String, String> props) {
            return new Options(port, dataDir, saslUsers, props, tls);
        }

        public Options withTls(Tls t) {
            return new Options(port, dataDir, saslUsers, extraProperties, t);
        }

        /** Names the SASL users, never their passwords. */
        @Override
        public String toString() {
            return "Options[port=" + port + ", dataDir=" + dataDir + ", saslUsers=" + new java.util.TreeSet<>(saslUsers.keySet())
                    + ", extraProperties=" + extraProperties.keySet() + ", tls=" + tls + "]";
        }
    }

    /** The broker's key store (PKCS12) for its TLS listener. */
    public record Tls(Path keyStore, String password) {
        @Override
        public String toString() {
            return "Tls[keyStore=" + keyStore + ", password=******]";
        }
    }

    private EmbeddedKafkaBroker(Options options, Path dataDir, boolean ownsDataDir, int port, int controllerPort) {
        this.options = options;
        this.dataDir = dataDir;
        this.ownsDataDir = ownsDataDir;
        this.port = port;
        this.controllerPort = controllerPort;
        this.startMillis = System.nanoTime();
    }

    /** Starts a broker on a free port with a temporary data directory. */
    public static EmbeddedKafkaBroker start() {
        return start(Options.defaults());
    }

    public static EmbeddedKafkaBroker start(Options options) {
        boolean owns = options.dataDir() == null;
        Path dir;
        try {
            dir = owns ? TempDirectories.create("earthmover-kafka-") : Files.createDirectories(options.dataDir());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the broker's data directory", e);
        }
        int port = options.port() == 0 ? freePort() : options.port();
        int cport = freePort();
        if (options.port() != 0 && (!options.saslUsers().isEmpty() || options.tls() != null)) {
            throw new IllegalArgumentException("a SASL or TLS broker picks its own ports");
        }
        EmbeddedKafkaBroker b = new EmbeddedKafkaBroker(options, dir, owns, port, cport);
        try {
            b.doStart();
            return b;
        } catch (RuntimeException | Error e) {
            b.close();
            throw e;
        }
    }

    private int saslPort = -1;
    private int tlsPort = -1;

    private void doStart() {
        long t0 = System.nanoTime();
        Properties p = new Properties();
        String logDir = dataDir.resolve("log").toString();
        boolean sasl = !options.saslUsers().isEmpty();
        // ports are kept across restart(), so clients can reconnect to the same addresses
        if (sasl && saslPort < 0) {
            saslPort = freePort();
        }
        if (options.tls() != null && tlsPort < 0) {
            tlsPort = freePort();
        }
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@" + HOST + ":" + controllerPort);
        String listeners = "PLAINTEXT://" + HOST + ":" + port + ",CONTROLLER://" + HOST + ":" + controllerPort;
        String advertised = "PLAINTEXT://" + HOST + ":" + port;
        String map = "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT";
        if (sasl) {
            // the SASL listener is the one clients use; PLAINTEXT stays for inter-broker traffic only
            listeners += ",SASL_PLAINTEXT://" + HOST + ":" + saslPort;
            advertised += ",SASL_PLAINTEXT://" + HOST + ":" + saslPort;
            map += ",SASL_PLAINTEXT:SASL_PLAINTEXT";
            p.put("sasl.enabled.mechanisms", "SCRAM-SHA-512");
            p.put("listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config",
                    "org.apache.kafka.common.security.scram.ScramLoginModule required;");
        }
        if (options.tls() != null) {
            String proto = sasl ? "SASL_SSL" : "SSL";
            String name = proto.toLowerCase(java.util.Locale.ROOT);
            listeners += "," + proto + "://" + HOST + ":" + tlsPort;
            advertised += "," + proto + "://" + HOST + ":" + tlsPort;
            map += "," + proto + ":" + proto;
            p.put("listener.name." + name + ".ssl.keystore.location", options.tls().keyStore().toString());
            p.put("listener.name." + name + ".ssl.keystore.password", options.tls().password());
            p.put("listener.name." + name + ".ssl.key.password", options.tls().password());
            p.put("listener.name." + name + ".ssl.keystore.type", "PKCS12");
            if (sasl) {
                p.put("listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config",
                        "org.apache.kafka.common.security.scram.ScramLoginModule required;");
            }
        }
        p.put("listeners", listeners);
        p.put("advertised.listeners", advertised);
        p.put("listener.security.protocol.map", map);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("log.dirs", logDir);
        p.put("num.partitions", "1");
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "3");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "3");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("auto.create.topics.enable", "false");
        p.put("message.max.bytes", String.valueOf(MAX_MESSAGE_BYTES));
        p.put("replica.fetch.max.bytes", String.valueOf(MAX_MESSAGE_BYTES));
        // the cleaner's default 128 MB buffer is for production; compacted topics here are tiny
        p.put("log.cleaner.dedupe.buffer.size", String.valueOf(2 << 20));
        p.put("log.cleaner.threads", "1");
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "2");
        p.put("background.threads", "2");
        p.put("num.recovery.threads.per.data.dir", "1");
        p.put("log.flush.interval.messages", String.valueOf(Long.MAX_VALUE));
        // no deletion by age: records here often carry historic event times (evaluate replays NAB's 2014-15
        // and SKAB's 2020 timestamps), and Kafka's 7-day retention by record timestamp deletes them at its
        // first check (30 s after start, then every 5 min), active segment included, even before they are
        // consumed; the data lives only as long as this broker's directory
        p.put("log.retention.ms", "-1");
        p.put("server.max.startup.time.ms", "60000");
        options.extraProperties().forEach(p::put);
        KafkaConfig config = KafkaConfig.fromProps(p, false);
        format(logDir, config);
        server = new KafkaRaftServer(config, Time.SYSTEM);
        server.startup();
        awaitReady();
        LOG.info("embedded Kafka broker up on {} in {} ms (data dir {})", bootstrapServers(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0), dataDir);
    }

    private void format(String logDir, KafkaConfig config) {
        if (Files.exists(Path.of(logDir, "meta.properties"))) {
            return; // restart on an existing data directory
        }
        Formatter f = new Formatter()
                .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                .setNodeId(1)
                .setClusterId(Uuid.randomUuid().toString())
                .setDirectories(List.of(logDir))
                .setMetadataLogDirectory(logDir)
                .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
                .setReleaseVersion(MetadataVersion.latestProduction())
                .setUnstableFeatureVersionsEnabled(false)
                .setControllerListenerName("CONTROLLER")
                .setIgnoreFormatted(true);
        if (!options.saslUsers().isEmpty()) {
            f.setScramArguments(options.saslUsers().entrySet().stream()
                    .map(e -> "SCRAM-SHA-512=[name=" + e.getKey() + ",password=" + e.getValue() + "]")
                    .toList());
        }
        try {
            f.run();
        } catch (Exception e) {
            throw new IllegalStateException("cannot format the broker's storage in " + logDir, e);
        }
    }

    private void awaitReady() {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        try (Admin admin = Admin.create(props)) {
            while (true) {
                try {
                    if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (Exception e) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("embedded broker did not become ready in 60 s", e);
                    }
                }
                sleep(100);
            }
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** {@code 127.0.0.1:port} of the PLAINTEXT listener. */
    public String bootstrapServers() {
        return HOST + ":" + port;
    }

    /** {@code 127.0.0.1:port} of the SASL_PLAINTEXT listener, when the broker has one. */
    public String saslBootstrapServers() {
        if (saslPort < 0) {
            throw new IllegalStateException("this broker has no SASL listener");
        }
        return HOST + ":" + saslPort;
    }

    /** {@code 127.0.0.1:port} of the TLS listener (SASL_SSL or SSL), when the broker has one. */
    public String tlsBootstrapServers() {
        if (tlsPort < 0) {
            throw new IllegalStateException("this broker has no TLS listener");
        }
        return HOST + ":" + tlsPort;
    }

    public int port() {
        return port;
    }

    public Path dataDir() {
        return dataDir;
    }

    public Duration uptime() {
        return Duration.ofNanos(System.nanoTime() - startMillis);
    }

    /** Stops the broker but keeps the data directory, so that it can be started again on it. */
    public void stop() {
        if (server != null) {
            try {
                server.shutdown();
                server.awaitShutdown();
            } catch (RuntimeException e) {
                LOG.warn("broker shutdown: {}", e.toString());
            }
            server = null;
        }
    }

    /** Starts a stopped broker again on the same data directory and ports. */
    public void restart() {
        if (server != null) {
            throw new IllegalStateException("broker is running");
        }
        doStart();
    }

    @Override
    public void close() {
        stop();
        if (ownsDataDir) {
            TempDirectories.delete(dataDir);
        }
    }


    /** A free TCP port on 127.0.0.1 (there is a small race until the broker binds it). */
    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port", e);
        }
    }
}
