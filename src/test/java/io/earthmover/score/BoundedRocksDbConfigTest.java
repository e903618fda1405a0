package io.earthmover.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.earthmover.config.ConfigException;
import io.earthmover.config.EarthmoverConfig;
import io.earthmover.kafka.TempDirectories;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;

class BoundedRocksDbConfigTest {
    @Test
    void everyStoreSharesOneCacheAndWriteBufferManagerSizedByConfiguration() {
        RocksDB.loadLibrary();
        Map<String, Object> configs = Map.of(BoundedRocksDbConfig.CACHE_BYTES, 16L << 20, BoundedRocksDbConfig.WRITE_BUFFER_BYTES, 4L << 20);
        BoundedRocksDbConfig setter = new BoundedRocksDbConfig();
        try (Options a = withTable(); Options b = withTable()) {
            setter.setConfig("store-0", a, configs);
            setter.setConfig("store-1", b, configs);
            assertThat(a.writeBufferManager()).isNotNull().isSameAs(b.writeBufferManager());
            BoundedRocksDbConfig.Shared shared = BoundedRocksDbConfig.shared(new BoundedRocksDbConfig.Budget(16L << 20, 4L << 20));
            assertThat(a.writeBufferManager()).isSameAs(shared.writeBuffers());
            assertThat(a.writeBufferSize()).isEqualTo(2L << 20);
            assertThat(a.maxWriteBufferNumber()).isEqualTo(BoundedRocksDbConfig.MEMTABLES_PER_STORE);
            // not RocksDB's default of an eighth of the write buffer: idle memtables must not fill the budget
            assertThat(a.arenaBlockSize()).isEqualTo(BoundedRocksDbConfig.ARENA_BLOCK_BYTES).isLessThan(a.writeBufferSize() / 8);
            BlockBasedTableConfig t = (BlockBasedTableConfig) a.tableFormatConfig();
            assertThat(t.cacheIndexAndFilterBlocks()).isTrue();
            assertThat(t.pinTopLevelIndexAndFilter()).isTrue();
            setter.close("store-0", a);
            // still usable after one store closed: the objects are shared by the others
            assertThat(shared.cache().getUsage()).isGreaterThanOrEqualTo(0);
        }
    }

    private static Options withTable() {
        Options o = new Options();
        o.setTableFormatConfig(new BlockBasedTableConfig());
        return o;
    }

    @Test
    void aWriteBufferLargerThanTheCacheIsAConfigErrorNamingTheKey() {
        EarthmoverConfig cfg = EarthmoverConfig.of(Map.of("scorer.rocksdb.cache.bytes", String.valueOf(4L << 20),
                "scorer.rocksdb.write.buffer.bytes", String.valueOf(8L << 20)));
        assertThatThrownBy(() -> ScorerApp.streamsProperties(cfg, null)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("scorer.rocksdb.write.buffer.bytes").hasMessageContaining("scorer.rocksdb.cache.bytes");
    }

    @Test
    void theScorersStreamsPropertiesRouteRealStoresThroughTheSharedCache() {
        long cacheBytes = 24L << 20;
        EarthmoverConfig cfg = EarthmoverConfig.of(Map.of("scorer.rocksdb.cache.bytes", String.valueOf(cacheBytes)));
        Properties p = ScorerApp.streamsProperties(cfg, null);
        assertThat(p.get(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG)).isEqualTo(BoundedRocksDbConfig.class);
        Path state = TempDirectories.create("earthmover-rocks-test-");
        p.put(StreamsConfig.STATE_DIR_CONFIG, state.toString());
        StreamsBuilder b = new StreamsBuilder();
        b.table("in", Consumed.with(Serdes.String(), Serdes.String()),
                Materialized.<String, String, KeyValueStore<Bytes, byte[]>>as("counts").withKeySerde(Serdes.String())
                        .withValueSerde(Serdes.String()));
        try (TopologyTestDriver d = new TopologyTestDriver(b.build(), p)) {
            TestInputTopic<String, String> in = d.createInputTopic("in", new StringSerializer(), new StringSerializer());
            for (int i = 0; i < 2000; i++) {
                in.pipeInput("k" + (i % 100), "v".repeat(200) + i);
            }
            BoundedRocksDbConfig.Shared shared = BoundedRocksDbConfig.shared(new BoundedRocksDbConfig.Budget(cacheBytes,
                    io.earthmover.config.ConfigKeys.DEFAULT_ROCKSDB_WRITE_BUFFER_BYTES));
            // the store's memtable is charged to the shared cache: its usage is the store's writes, within the budget
            assertThat(shared.cache().getUsage()).isPositive().isLessThanOrEqualTo(cacheBytes);
            // the gauge earthmover.rocksdb.cache.usage reads every shared cache, this one included
            assertThat(BoundedRocksDbConfig.cacheUsageBytes()).isGreaterThanOrEqualTo(shared.cache().getUsage());
            assertThat(d.<String, String>getKeyValueStore("counts").get("k7")).endsWith("1907");
        } finally {
            TempDirectories.delete(state);
        }
    }
}
