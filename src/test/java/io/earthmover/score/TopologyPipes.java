package io.earthmover.score;

import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;

/** A scoring topology under {@link TopologyTestDriver} with its input, score and dead-letter topics. */
record TopologyPipes(TopologyTestDriver driver, TestInputTopic<byte[], byte[]> in, TestOutputTopic<byte[], byte[]> scores,
                     TestOutputTopic<byte[], byte[]> dlq) implements AutoCloseable {

    static TopologyPipes open(Topology topology, Properties props) {
        TopologyTestDriver d = new TopologyTestDriver(topology, props);
        return new TopologyPipes(d, d.createInputTopic("events-in", new ByteArraySerializer(), new ByteArraySerializer()),
                d.createOutputTopic("anomaly-scores", new ByteArrayDeserializer(), new ByteArrayDeserializer()),
                d.createOutputTopic("events-dlq", new ByteArrayDeserializer(), new ByteArrayDeserializer()));
    }

    @Override
    public void close() {
        driver.close();
    }
}
