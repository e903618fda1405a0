package io.earthmover.score;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The {@link FeedbackStore} of each stream task of one topology. A task's scoring processor and
 * feedback processor each ask for it at init and get the same instance, so the in-memory index of
 * keys with a raise that the scorer reads is the one the feedback processor writes. Closing either
 * processor drops it (Streams closes a task's processors before its store changes hands or is
 * restored again); the next init (a task restarted, or moved back) loads it afresh from the store.
 * Tasks run on several stream threads, hence the concurrent map; one task's two processors share a
 * thread.
 */
final class FeedbackStores {
    private final Map<TaskId, FeedbackStore> byTask = new ConcurrentHashMap<>();

    FeedbackStore open(TaskId task, KeyValueStore<Bytes, byte[]> store) {
        // the first of the two to start loads it; each processor's context hands out its own wrapper
        // of the same store, so the task, not the store object, identifies it
        return byTask.computeIfAbsent(task, t -> new FeedbackStore(store));
    }

    void close(TaskId task) {
        byTask.remove(task);
    }
}
