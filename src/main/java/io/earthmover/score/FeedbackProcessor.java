package io.earthmover.score;

import io.earthmover.inspect.FeedbackMessage;
import io.earthmover.metrics.ScorerMetrics;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Folds the {@code anomaly-feedback} topic into the {@link FeedbackStore}. It shares the store with
 * {@link ScoringProcessor}, so both run in the same task: the topic's key is the record key and it
 * has the input's partition count, so a key's feedback lands in the task that scores the key.
 * A message that is not feedback is logged and skipped: the topic is operators' input, and one bad
 * message must not stop scoring. A false alarm marked again on the same record (a double click, the
 * API and the topic both) is counted as a duplicate and raises nothing. Every message is counted in
 * {@code earthmover.feedback} by label and outcome.
 */
final class FeedbackProcessor implements Processor<byte[], byte[], Void, Void> {
    private static final Logger LOG = LoggerFactory.getLogger(FeedbackProcessor.class);

    private final ScorerMetrics metrics;
    private final FeedbackStores stores;
    private FeedbackStore store;
    private TaskId taskId;

    FeedbackProcessor(ScorerMetrics metrics, FeedbackStores stores) {
        this.metrics = metrics;
        this.stores = stores;
    }

    @Override
    public void init(ProcessorContext<Void, Void> ctx) {
        taskId = ctx.taskId();
        store = stores.open(taskId, ctx.getStateStore(FeedbackStore.NAME));
    }

    @Override
    public void close() {
        stores.close(taskId);
    }

    @Override
    public void process(Record<byte[], byte[]> rec) {
        FeedbackMessage m;
        try {
            m = FeedbackMessage.parse(rec.value());
        } catch (IllegalArgumentException e) {
            LOG.warn("skipped a feedback message: {}", e.getMessage());
            metrics.feedback(null, ScorerMetrics.FEEDBACK_INVALID);
            return;
        }
        // the Kafka key is the record key's bytes (keys are opaque); a message without one names it in its body
        byte[] key = rec.key() != null ? rec.key() : m.key().getBytes(StandardCharsets.UTF_8);
        boolean applied = store.apply(key, m.label(), m.id());
        metrics.feedback(m.label(), applied ? ScorerMetrics.FEEDBACK_APPLIED : ScorerMetrics.FEEDBACK_DUPLICATE);
    }
}
