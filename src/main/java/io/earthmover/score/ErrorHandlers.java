package io.earthmover.score;

import io.earthmover.metrics.ScorerMetrics;
import io.earthmover.record.ErrorCode;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka Streams' handlers of last resort, set so that nothing stops the application. The topology
 * itself sends every bad record to the DLQ; these catch what happens outside it, and dead-letter
 * the source record with the same headers as the topology does. They read the DLQ topic and the
 * metrics from the Streams configuration ({@link #DLQ_TOPIC}, {@link #METRICS}).
 */
public final class ErrorHandlers {
    public static final String DLQ_TOPIC = "earthmover.dlq.topic";
    public static final String METRICS = "earthmover.metrics";
    private static final Logger LOG = LoggerFactory.getLogger(ErrorHandlers.class);

    private ErrorHandlers() {
    }

    private static ProducerRecord<byte[], byte[]> deadLetter(String dlq, ErrorHandlerContext c, ErrorCode code, Exception e) {
        return new ProducerRecord<>(dlq, null, c.timestamp(), c.sourceRawKey(), c.sourceRawValue(),
                DeadLetters.headers(c.headers(), code, String.valueOf(e), c.topic(), c.partition(), c.offset()));
    }

    /** Common configuration of the handlers. */
    abstract static class Base {
        String dlq;
        ScorerMetrics metrics;

        public void configure(Map<String, ?> configs) {
            dlq = String.valueOf(configs.get(DLQ_TOPIC));
            Object m = configs.get(METRICS);
            metrics = m instanceof ScorerMetrics sm ? sm : null;
        }

        void count(ErrorCode code) {
            if (metrics != null) {
                metrics.recordRejected(code);
            }
        }
    }

    public static final class Deserialization extends Base implements DeserializationExceptionHandler {
        @Override
        public Response handleError(ErrorHandlerContext c, ConsumerRecord<byte[], byte[]> record, Exception e) {
            LOG.warn("cannot deserialise {}-{}@{}: {}", c.topic(), c.partition(), c.offset(), e.toString());
            count(ErrorCode.DESERIALIZATION_ERROR);
            return Response.resume(List.of(deadLetter(dlq, c, ErrorCode.DESERIALIZATION_ERROR, e)));
        }
    }

    public static final class Processing extends Base implements ProcessingExceptionHandler {
        @Override
        public Response handleError(ErrorHandlerContext c, Record<?, ?> record, Exception e) {
            LOG.warn("processing failed at {}-{}@{}", c.topic(), c.partition(), c.offset(), e);
            count(ErrorCode.PROCESSING_ERROR);
            return Response.resume(List.of(deadLetter(dlq, c, ErrorCode.PROCESSING_ERROR, e)));
        }
    }

    /**
     * An output Kafka refused (too large for the topic, say) is logged and counted, and processing
     * goes on; the source record is dead-lettered unless the refused record was itself a dead letter.
     */
    public static final class Production extends Base implements ProductionExceptionHandler {
        @Override
        public Response handleError(ErrorHandlerContext c, ProducerRecord<byte[], byte[]> record, Exception e) {
            LOG.error("Kafka refused an output record for topic {}: {}", record.topic(), e.toString());
            count(ErrorCode.PRODUCTION_ERROR);
            if (c == null || record.topic().equals(dlq) || c.sourceRawValue() == null) {
                return Response.resume();
            }
            return Response.resume(List.of(deadLetter(dlq, c, ErrorCode.PRODUCTION_ERROR, e)));
        }
    }
}
