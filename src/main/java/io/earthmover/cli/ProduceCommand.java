package io.earthmover.cli;

import io.earthmover.config.ConfigKeys;
import io.earthmover.config.EarthmoverConfig;
import io.earthmover.kafka.KafkaProps;
import io.earthmover.record.FileRecords;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code earthmover produce}: replays a CSV or JSONL file into a topic. */
@Command(name = "produce", mixinStandardHelpOptions = true,
        header = "Replay a CSV or JSONL file into a topic.",
        description = {"Replay a CSV or JSONL file into a topic as events-in records, as fast as possible, at a fixed",
                "rate (--rate), or at the original timestamps sped up (--speedup, needs --timestamp-column)."})
public final class ProduceCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions configOptions;

    @Option(names = "--input", paramLabel = "FILE", required = true, description = "CSV or JSONL (.jsonl, .ndjson) file")
    Path input;

    @Option(names = "--topic", paramLabel = "TOPIC", description = "Target topic (default: topics.input, events-in)")
    String topic;

    @Mixin
    FileOptions fileOptions;

    @ArgGroup(exclusive = true)
    Pace pace;

    static final class Pace {
        @Option(names = "--rate", paramLabel = "N", description = "Records per second")
        Double rate;

        @Option(names = "--speedup", paramLabel = "X", description = "Replay at the original timestamps, X times faster")
        Double speedup;
    }

    @Option(names = "--key", paramLabel = "VALUE", description = "Kafka key of every record (one series); not with --key-column")
    String key;

    @Option(names = "--no-progress", description = "No progress bar")
    boolean noProgress;

    @Override
    public Integer call() throws IOException {
        EarthmoverConfig cfg = configOptions.load();
        if (key != null && fileOptions.keyColumn != null) {
            throw new UserException("--key gives every record the same key, --key-column one per row: use one of them");
        }
        FileRecords.Options files = fileOptions.forInput(input);
        if (pace != null && pace.speedup != null && files.timestampColumn() == null) {
            throw new UserException("--speedup replays original timestamps: the file has no ts or timestamp column, give --timestamp-column");
        }
        if (pace != null && ((pace.rate != null && !(pace.rate > 0)) || (pace.speedup != null && !(pace.speedup > 0)))) {
            throw new UserException("--rate and --speedup must be positive");
        }
        ConfigOptions.awaitKafka(cfg);
        String target = topic == null ? cfg.get(ConfigKeys.TOPIC_INPUT) : topic;
        byte[] constantKey = key == null ? null : key.getBytes(StandardCharsets.UTF_8);
        Map<String, Object> props = KafkaProps.producer(cfg);
        props.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.putIfAbsent(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        long total = FileRecords.count(input);
        AtomicLong sent = new AtomicLong();
        AtomicReference<Exception> failure = new AtomicReference<>();
        long start = System.nanoTime();
        long[] firstTs = {-1};
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
             ProgressBar bar = noProgress ? null : new ProgressBarBuilder().setTaskName("produce " + target)
                     .setInitialMax(total).setStyle(ProgressBarStyle.ASCII).setUnit(" rec", 1).showSpeed().build()) {
            FileRecords.read(input, files, r -> {
                if (failure.get() != null) {
                    return;
                }
                long n = sent.get();
                if (pace != null && pace.rate != null) {
                    sleepUntil(start + (long) (n * 1e9 / pace.rate));
                } else if (pace != null && pace.speedup != null && r.ts() >= 0) {
                    if (firstTs[0] < 0) {
                        firstTs[0] = r.ts();
                    }
                    sleepUntil(start + (long) ((r.ts() - firstTs[0]) * 1e6 / pace.speedup));
                }
                byte[] k = constantKey != null || r.key() == null ? constantKey : r.key().getBytes(StandardCharsets.UTF_8);
                producer.send(new ProducerRecord<>(target, k, r.value()), (md, e) -> {
                    if (e != null) {
                        failure.compareAndSet(null, e);
                    }
                });
                sent.incrementAndGet();
                if (bar != null) {
                    bar.step();
                }
            });
            producer.flush();
        }
        if (failure.get() != null) {
            throw new UserException("producing to " + target + " failed: " + failure.get().getMessage(), failure.get());
        }
        double secs = (System.nanoTime() - start) / 1e9;
        System.out.printf("produced %d records to %s in %.1f s (%.0f records/s)%n", sent.get(), target, secs, sent.get() / secs);
        return ExitCodes.OK;
    }

    private static void sleepUntil(long nanoTime) {
        long d = nanoTime - System.nanoTime();
        if (d > 0) {
            try {
                TimeUnit.NANOSECONDS.sleep(d);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
