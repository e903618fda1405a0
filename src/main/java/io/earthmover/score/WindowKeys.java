package io.earthmover.score;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.streams.processor.TaskId;

/** Keys held in window state, summed over the tasks of this instance (each task reports its store's count). */
public final class WindowKeys {
    private final Map<TaskId, Long> byTask = new ConcurrentHashMap<>();

    void report(TaskId task, long keys) {
        byTask.put(task, keys);
    }

    void forget(TaskId task) {
        byTask.remove(task);
    }

    public double total() {
        return byTask.values().stream().mapToLong(Long::longValue).sum();
    }
}
