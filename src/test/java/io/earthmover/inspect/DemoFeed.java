package io.earthmover.inspect;

import io.earthmover.harness.demo.DemoStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Produces the demo's stream (with its injected anomalies) and records of extra keys into events-in. */
final class DemoFeed {
    static final int HOSTS = 4;
    static final int TRAIN_STEPS = 2 * DemoStream.STEPS_PER_DAY;
    static final long START = 1_767_225_600_000L;

    private DemoFeed() {
    }

    /** Sends {@code steps} live steps of every host; returns the events sent. */
    static List<DemoStream.Event> send(String bootstrap, int steps, Map<String, List<double[]>> extraKeys) {
        DemoStream stream = new DemoStream(HOSTS, 42, START);
        List<DemoStream.Event> live = stream.withAnomalies(TRAIN_STEPS, steps, stream.plan(TRAIN_STEPS, steps, 2));
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.LINGER_MS_CONFIG, 5), new ByteArraySerializer(), new ByteArraySerializer())) {
            int i = 0;
            for (DemoStream.Event e : live) {
                p.send(new ProducerRecord<>("events-in", utf8(e.host()), utf8(e.json("e" + i++))));
            }
            for (var k : extraKeys.entrySet()) {
                long ts = START;
                for (double[] v : k.getValue()) {
                    ts += DemoStream.STEP_MILLIS;
                    DemoStream.Event e = new DemoStream.Event(k.getKey(), 0, ts, v, -1);
                    p.send(new ProducerRecord<>("events-in", utf8(k.getKey()), utf8(e.json("x" + i++))));
                }
            }
            p.flush();
        }
        return live;
    }

    /** Rows like a host's normal data, then one far outside it (an alarm under the range rule). */
    static List<double[]> normalThenSpike(int normal) {
        DemoStream stream = new DemoStream(1, 7, START);
        List<double[]> rows = new java.util.ArrayList<>(stream.normal(0, normal).stream().map(DemoStream.Event::values).toList());
        double[] spike = rows.get(rows.size() - 1).clone();
        spike[0] = spike[0] * 10 + 500;
        rows.add(spike);
        return rows;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
