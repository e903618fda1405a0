package io.earthmover.score;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.earthmover.alarm.FeedbackLabel;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A task's feedback store object: shared by its two processors, loaded afresh after a restart, and read only for keys with a raise. */
class FeedbackStoresTest {
    private static final byte[] MARKED = "marked".getBytes(UTF_8);
    private static final byte[] OTHER = "other".getBytes(UTF_8);
    private final AtomicInteger reads = new AtomicInteger();

    @Test
    void aTasksTwoProcessorsGetOneObjectAndARestartedTaskLoadsItsRaisesFromTheStore() {
        KeyValueStore<Bytes, byte[]> kv = store();
        FeedbackStores stores = new FeedbackStores();
        TaskId task = new TaskId(0, 0);
        FeedbackStore scorer = stores.open(task, kv);
        FeedbackStore feedback = stores.open(task, kv);
        assertThat(feedback).as("what the feedback processor writes, the scorer reads").isSameAs(scorer);
        assertThat(stores.open(new TaskId(0, 1), store())).as("another task").isNotSameAs(scorer);

        feedback.apply(MARKED, FeedbackLabel.FALSE_ALARM, "r1");
        stores.close(task);
        FeedbackStore restarted = stores.open(task, kv);

        assertThat(restarted).isNotSameAs(scorer);
        assertThat(restarted.raisedKeys()).isEqualTo(1);
        assertThat(restarted.raiseFor(MARKED)).isPositive();
        assertThat(restarted.raiseFor(OTHER)).isZero();
    }

    @Test
    void aRaiseInAPersistentStoreIsServedAfterTheStoreIsReopened(@TempDir Path dir) {
        KeyValueStore<Bytes, byte[]> before = persistent(dir);
        new FeedbackStore(before).apply(MARKED, FeedbackLabel.FALSE_ALARM, "r1");
        before.flush();
        before.close();

        FeedbackStore after = new FeedbackStores().open(new TaskId(0, 0), persistent(dir));
        assertThat(after.raiseFor(MARKED)).isPositive();
        assertThat(after.raiseFor(OTHER)).isZero();
    }

    @Test
    void aKeyWithoutARaiseIsAnsweredWithoutReadingTheStoreAndAForgottenRaiseLeavesNoKey() {
        FeedbackStore s = new FeedbackStore(counting(store()));
        assertThat(s.raiseFor(OTHER)).isZero();
        s.apply(MARKED, FeedbackLabel.FALSE_ALARM, "r1");
        reads.set(0);
        for (int i = 0; i < 100; i++) {
            assertThat(s.raiseFor(OTHER)).isZero();
        }
        assertThat(reads).as("no read for the key without feedback").hasValue(0);
        double raise = s.raiseFor(MARKED);
        assertThat(raise).isPositive();
        assertThat(reads).as("one read for the marked key").hasValue(1);

        int records = 0;
        while (s.raisedKeys() > 0 && records++ < 10_000_000) {
            s.raiseFor(MARKED);
        }
        assertThat(s.raisedKeys()).as("the raise decays to nothing and its key leaves the index").isZero();
        assertThat(s.raiseFor(MARKED)).isZero();
    }

    private static KeyValueStore<Bytes, byte[]> store() {
        KeyValueStore<Bytes, byte[]> kv = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("f"), Serdes.Bytes(),
                Serdes.ByteArray()).withLoggingDisabled().build();
        MockProcessorContext<Void, Void> ctx = new MockProcessorContext<>();
        kv.init(ctx.getStateStoreContext(), kv);
        return kv;
    }

    /** A RocksDB store as the scorer's feedback store (without its cache, which needs a record being processed) in {@code dir}, opened. */
    private static KeyValueStore<Bytes, byte[]> persistent(Path dir) {
        KeyValueStore<Bytes, byte[]> kv = Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(FeedbackStore.NAME),
                Serdes.Bytes(), Serdes.ByteArray()).withLoggingDisabled().build();
        MockProcessorContext<Void, Void> ctx = new MockProcessorContext<>(new Properties(), new TaskId(0, 0), dir.toFile());
        kv.init(ctx.getStateStoreContext(), kv);
        return kv;
    }

    /** {@code kv}, counting its reads of single keys. */
    @SuppressWarnings("unchecked")
    private KeyValueStore<Bytes, byte[]> counting(KeyValueStore<Bytes, byte[]> kv) {
        return (KeyValueStore<Bytes, byte[]>) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {KeyValueStore.class}, (proxy, m, args) -> {
                    if (m.getName().equals("get")) {
                        reads.incrementAndGet();
                    }
                    try {
                        return m.invoke(kv, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
