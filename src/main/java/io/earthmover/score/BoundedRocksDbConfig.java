package io.earthmover.score;

import io.earthmover.config.ConfigException;
import io.earthmover.config.ConfigKeys;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.WriteBufferManager;

/**
 * Bounds RocksDB's native memory: every state store of the process shares one LRU block cache
 * ({@code scorer.rocksdb.cache.bytes}) holding data, index and filter blocks, and one write-buffer
 * manager ({@code scorer.rocksdb.write.buffer.bytes}) that charges all memtables to that cache.
 * Without it each store (one per partition) gets its own 50 MB cache and up to three 16 MB
 * memtables, and native memory grows with the partitions an instance owns and with time, out of
 * sight of the heap limit. Follows the Kafka Streams memory-management guide.
 *
 * <p>Streams instantiates this class per store, so the shared objects live in a static map keyed
 * by their sizes, and {@link #close} leaves them open: they are shared for the life of the process.
 */
public final class BoundedRocksDbConfig implements RocksDBConfigSetter {
    /** Streams passes its own properties to {@link #setConfig}: the sizes travel under these names. */
    static final String CACHE_BYTES = "earthmover." + ConfigKeys.SCORER_ROCKSDB_CACHE.name();
    static final String WRITE_BUFFER_BYTES = "earthmover." + ConfigKeys.SCORER_ROCKSDB_WRITE_BUFFER.name();
    /** Share of the cache kept for index and filter blocks (high priority), as in the Streams guide. */
    static final double INDEX_FILTER_RATIO = 0.1;
    /** Memtables per store: one being written, one being flushed. */
    static final int MEMTABLES_PER_STORE = 2;
    /**
     * A memtable's arena block: memtables take memory, and the write-buffer manager counts it, a block at
     * a time. RocksDB's default block is an eighth of the write buffer (here 512 KiB); with the scorer's
     * many memtables (four stores per task, each with a second column family for its committed offsets)
     * the shared budget was full while the memtables held 0.4-0.6 MB each, so RocksDB flushed on every
     * write and stopped writes while the flushes queued: the served topology's stalls of 0.6-2 s at
     * commits (RocksDB's log: 4,751 "Stopping writes because we have 2 immutable memtables" in one
     * benchmark run, 2 with 64 KiB blocks; docs/operations.md).
     */
    static final long ARENA_BLOCK_BYTES = 64L << 10;

    record Budget(long cacheBytes, long writeBufferBytes) {
        Budget {
            if (writeBufferBytes > cacheBytes) {
                throw new ConfigException(ConfigKeys.SCORER_ROCKSDB_WRITE_BUFFER.name(), writeBufferBytes
                        + " is more than " + ConfigKeys.SCORER_ROCKSDB_CACHE.name() + " (" + cacheBytes
                        + "): memtables are counted within the cache");
            }
        }
    }

    /** The cache and write-buffer manager of one budget, shared by every store that uses it. */
    record Shared(Cache cache, WriteBufferManager writeBuffers) {
    }

    private static final Map<Budget, Shared> SHARED = new ConcurrentHashMap<>();

    /**
     * Bytes the shared caches hold now (blocks and the memtables charged to them), over every budget
     * in use: what RocksDB's bounded share of native memory actually takes, up to the caps.
     */
    public static long cacheUsageBytes() {
        return SHARED.values().stream().mapToLong(s -> s.cache().getUsage()).sum();
    }

    static Shared shared(Budget b) {
        return SHARED.computeIfAbsent(b, k -> {
            Cache cache = new LRUCache(k.cacheBytes(), -1, false, INDEX_FILTER_RATIO);
            return new Shared(cache, new WriteBufferManager(k.writeBufferBytes(), cache));
        });
    }

    @Override
    public void setConfig(String storeName, Options options, Map<String, Object> configs) {
        Budget b = new Budget(bytes(configs, CACHE_BYTES, ConfigKeys.DEFAULT_ROCKSDB_CACHE_BYTES),
                bytes(configs, WRITE_BUFFER_BYTES, ConfigKeys.DEFAULT_ROCKSDB_WRITE_BUFFER_BYTES));
        Shared s = shared(b);
        BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
        table.setBlockCache(s.cache());
        table.setCacheIndexAndFilterBlocks(true);
        table.setCacheIndexAndFilterBlocksWithHighPriority(true);
        table.setPinTopLevelIndexAndFilter(true);
        options.setTableFormatConfig(table);
        options.setWriteBufferManager(s.writeBuffers());
        options.setMaxWriteBufferNumber(MEMTABLES_PER_STORE);
        options.setArenaBlockSize(ARENA_BLOCK_BYTES);
        options.setWriteBufferSize(Math.max(1L << 20, b.writeBufferBytes() / MEMTABLES_PER_STORE));
    }

    private static long bytes(Map<String, Object> configs, String name, long fallback) {
        Object v = configs.get(name);
        return v == null ? fallback : Long.parseLong(v.toString());
    }

    @Override
    public void close(String storeName, Options options) {
        // the cache and write-buffer manager are shared by all stores for the life of the process
    }
}
