package io.earthmover.kafka;

import io.earthmover.config.ConfigKeys;
import io.earthmover.config.EarthmoverConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creates the product's topics: input, scores, DLQ, training, feedback, and the compacted models topic. */
public final class TopicAdmin {
    private static final Logger LOG = LoggerFactory.getLogger(TopicAdmin.class);
    /**
     * What a dead letter may add to the record it copies (error and source headers): the DLQ
     * allows this much more, so every record that fits {@code events-in} can be dead-lettered.
     */
    public static final int DLQ_HEADER_ROOM = 16 << 10;
    private final EarthmoverConfig config;

    public TopicAdmin(EarthmoverConfig config) {
        this.config = config;
    }

    /** The topics earthmover needs, with their settings. */
    public List<NewTopic> productTopics() {
        int partitions = config.get(ConfigKeys.TOPIC_PARTITIONS);
        short rf = config.get(ConfigKeys.TOPIC_REPLICATION).shortValue();
        List<NewTopic> topics = new ArrayList<>();
        int events = config.get(ConfigKeys.TOPIC_MAX_BYTES);
        for (var key : List.of(ConfigKeys.TOPIC_INPUT, ConfigKeys.TOPIC_SCORES, ConfigKeys.TOPIC_DLQ, ConfigKeys.TOPIC_TRAIN,
                ConfigKeys.TOPIC_FEEDBACK)) {
            int max = key == ConfigKeys.TOPIC_DLQ ? events + DLQ_HEADER_ROOM : events;
            topics.add(new NewTopic(config.get(key), partitions, rf)
                    .configs(Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, String.valueOf(max))));
        }
        // one partition: a model name's bundles stay in order, and compaction keeps the latest per name
        topics.add(new NewTopic(config.get(ConfigKeys.TOPIC_MODELS), 1, rf).configs(Map.of(
                TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
                TopicConfig.MAX_MESSAGE_BYTES_CONFIG, String.valueOf(config.get(ConfigKeys.TOPIC_MODELS_MAX_BYTES)),
                TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG, "0")));
        return topics;
    }

    /**
     * Waits until every partition of the new topics has a leader: a producer that writes before
     * that gets NOT_LEADER_OR_FOLLOWER and, being idempotent, may then fail batches with
     * out-of-order sequence numbers.
     */
    public static void awaitLeaders(Admin admin, Set<String> names) throws InterruptedException, ExecutionException,
            TimeoutException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                var d = admin.describeTopics(names).allTopicNames().get(10, TimeUnit.SECONDS);
                if (d.values().stream().allMatch(t -> t.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty()))) {
                    return;
                }
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException)) {
                    throw e;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("partitions of " + names + " have no leader after 30 s");
            }
            Thread.sleep(50);
        }
    }

    /** Whether {@code topic} exists on the cluster. */
    public boolean exists(String topic) {
        try (Admin admin = Admin.create(KafkaProps.admin(config))) {
            return admin.listTopics().names().get(30, TimeUnit.SECONDS).contains(topic);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot list topics on " + config.bootstrapServers() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Creates whichever product topics are missing and waits for their leaders; returns the names it created. */
    public Set<String> ensureTopics() {
        Map<String, Object> props = KafkaProps.admin(config);
        try (Admin admin = Admin.create(props)) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = productTopics().stream().filter(t -> !existing.contains(t.name())).toList();
            if (missing.isEmpty()) {
                return Set.of();
            }
            try {
                admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
            Set<String> names = new java.util.TreeSet<>();
            missing.forEach(t -> names.add(t.name()));
            awaitLeaders(admin, names);
            LOG.info("created topics {}", names);
            return names;
        } catch (ExecutionException | TimeoutException e) {
            String why = e instanceof TimeoutException ? "timed out after 30 s" : String.valueOf(e.getMessage());
            throw new IllegalStateException("cannot create topics on " + config.bootstrapServers() + ": " + why, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
