package io.earthmover.inspect;

import java.util.List;
import java.util.function.Supplier;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.state.HostInfo;

/**
 * Key owners from Kafka Streams' metadata: the key is partitioned as the producer's default
 * partitioner does with its bytes, and {@code application.server} names each instance.
 */
public final class StreamsKeyOwners implements KeyOwners {
    private final Supplier<KafkaStreams> streams;
    private final HostInfo self;

    public StreamsKeyOwners(Supplier<KafkaStreams> streams, HostInfo self) {
        this.streams = streams;
        this.self = self;
    }

    @Override
    public Owner ownerOf(byte[] key) {
        KafkaStreams ks = streams.get();
        if (ks == null || !ks.state().isRunningOrRebalancing()) {
            return new Unavailable("the scorer's Kafka Streams is not running");
        }
        KeyQueryMetadata md = ks.queryMetadataForKey(InspectStores.RECENT, key, Serdes.ByteArray().serializer());
        if (md == null || md.equals(KeyQueryMetadata.NOT_AVAILABLE) || md.activeHost() == null) {
            return new Unavailable("the key's owner is not known yet (Kafka Streams is rebalancing)");
        }
        HostInfo h = md.activeHost();
        return h.equals(self) ? new Local() : new Remote(h.host() + ":" + h.port());
    }

    @Override
    public List<String> others() {
        KafkaStreams ks = streams.get();
        if (ks == null) {
            return List.of();
        }
        return ks.metadataForAllStreamsClients().stream().map(StreamsMetadata::hostInfo).filter(h -> !h.equals(self))
                .map(h -> h.host() + ":" + h.port()).distinct().toList();
    }

    @Override
    public String self() {
        return self.host() + ":" + self.port();
    }
}
