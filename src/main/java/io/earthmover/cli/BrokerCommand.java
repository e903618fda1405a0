package io.earthmover.cli;

import io.earthmover.config.ConfigKeys;
import io.earthmover.config.EarthmoverConfig;
import io.earthmover.kafka.EmbeddedKafkaBroker;
import io.earthmover.kafka.TopicAdmin;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code earthmover broker}: an embedded single-node Kafka broker for local use. */
@Command(name = "broker", mixinStandardHelpOptions = true,
        header = "Run an embedded Kafka broker with the product's topics.",
        description = {"Run an embedded single-node KRaft Kafka broker on 127.0.0.1 with the product's topics,",
                "until Ctrl-C or SIGTERM. Without --data-dir the data lives in a temporary directory deleted on exit."})
public final class BrokerCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions configOptions;

    @Option(names = "--port", paramLabel = "PORT", description = "Client port (default: broker.port, 9092)")
    Integer port;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Keep the broker's data in DIR (kept on exit)")
    Path dataDir;

    @Override
    public Integer call() throws InterruptedException {
        Map<String, String> o = new LinkedHashMap<>();
        if (port != null) {
            o.put(ConfigKeys.BROKER_PORT.name(), String.valueOf(port));
        }
        if (dataDir != null) {
            o.put(ConfigKeys.BROKER_DATA_DIR.name(), dataDir.toString());
        }
        EarthmoverConfig cfg = configOptions.load(o);
        String dir = cfg.get(ConfigKeys.BROKER_DATA_DIR);
        EmbeddedKafkaBroker.Options opts = EmbeddedKafkaBroker.Options.defaults()
                .withPort(cfg.get(ConfigKeys.BROKER_PORT))
                .withDataDir(dir.isEmpty() ? null : Path.of(dir));
        CountDownLatch stopped = new CountDownLatch(1);
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(opts);
        Thread hook = new Thread(() -> {
            broker.close();
            stopped.countDown();
        }, "broker-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        EarthmoverConfig withBroker = cfg.with(Map.of("kafka.bootstrap.servers", broker.bootstrapServers()));
        new TopicAdmin(withBroker).ensureTopics();
        System.out.println("Kafka broker ready: bootstrap.servers=" + broker.bootstrapServers()
                + "  (data dir " + broker.dataDir() + "; Ctrl-C to stop)");
        System.out.flush();
        stopped.await();
        return ExitCodes.OK;
    }
}
