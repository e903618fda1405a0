package io.earthmover.testutil;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Correlated normal records (cpu, mem move together; disk independent) for training tests. */
public final class NormalData {
    private NormalData() {
    }

    public static String record(Random rnd, String id, long ts) {
        double load = rnd.nextGaussian();
        return String.format("{\"id\":\"%s\",\"ts\":%d,\"features\":{\"cpu\":%.5f,\"mem\":%.5f,\"disk\":%.5f}}", id, ts,
                50 + 10 * load + rnd.nextGaussian(), 30 + 5 * load + 0.5 * rnd.nextGaussian(), 100 + 20 * rnd.nextGaussian());
    }

    /** Sends n records and fails if any send failed (a lost record would make the test's counts lie). */
    public static void produce(KafkaProducer<byte[], byte[]> p, String topic, int n, long seed, long startTs) {
        Random rnd = new Random(seed);
        java.util.List<java.util.concurrent.Future<?>> sent = new java.util.ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            sent.add(p.send(new ProducerRecord<>(topic, ("k" + i % 3).getBytes(StandardCharsets.UTF_8),
                    record(rnd, "t" + seed + "-" + i, startTs + i * 1000L).getBytes(StandardCharsets.UTF_8))));
        }
        p.flush();
        for (var f : sent) {
            try {
                f.get();
            } catch (Exception e) {
                throw new IllegalStateException("a test record was not written", e);
            }
        }
    }
}
