package io.earthmover.inspect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Answers the read-only queries from this instance's stores of recent outputs: a key's recent
 * outputs, and the recent alarms. Each output is its {@code anomaly-scores} object as written
 * (so fields added later, such as {@code expected}, pass through), with the input's feature
 * values added as {@code values}.
 */
public final class InspectQueries {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Where the stores are read from: Kafka Streams' interactive queries, or a test driver's stores. */
    @FunctionalInterface
    public interface Stores {
        ReadOnlyKeyValueStore<Bytes, byte[]> store(String name);
    }

    private final InspectSettings settings;
    private final Stores stores;

    public InspectQueries(InspectSettings settings, Stores stores) {
        this.settings = settings;
        this.stores = stores;
    }

    /** Whether the key's recent outputs within retention hold one with this {@code id} (what feedback may name). */
    public boolean holds(byte[] key, String id, long now) {
        ReadOnlyKeyValueStore<Bytes, byte[]> recent = stores.store(InspectStores.RECENT);
        for (int slot = 0; slot < settings.perKey(); slot++) {
            RecentEntry e = RecentEntry.decode(recent.get(InspectStores.slot(key, slot)));
            if (e != null && e.scoredAt() >= now - settings.retentionMs() && id.equals(idOf(e.output()))) {
                return true;
            }
        }
        return false;
    }

    private static String idOf(byte[] output) {
        try {
            JsonNode id = JSON.readTree(output).get("id");
            return id == null || id.isNull() ? null : id.asText();
        } catch (IOException e) {
            return null;
        }
    }

    /** The key's recent outputs (oldest first) and state, or empty when none are held within retention. */
    public Optional<ObjectNode> key(byte[] key, long now) {
        ReadOnlyKeyValueStore<Bytes, byte[]> recent = stores.store(InspectStores.RECENT);
        List<RecentEntry> entries = new ArrayList<>();
        // a get per slot: measured faster under load than one range over the slots (docs/operations.md)
        for (int slot = 0; slot < settings.perKey(); slot++) {
            RecentEntry e = RecentEntry.decode(recent.get(InspectStores.slot(key, slot)));
            if (e != null && e.scoredAt() >= now - settings.retentionMs()) {
                entries.add(e);
            }
        }
        if (entries.isEmpty()) {
            return Optional.empty();
        }
        entries.sort(Comparator.comparingLong(RecentEntry::scoredAt).thenComparingLong(RecentEntry::recordTs));
        ObjectNode out = keyNode(key);
        ArrayNode outputs = out.putArray("outputs");
        entries.forEach(e -> outputs.add(output(e)));
        out.set("state", state(outputs));
        return Optional.of(out);
    }

    /**
     * Alarms scored at or after {@code since}, newest first, at most {@code limit}. An alarm's time is
     * in its store key, so the entries are ordered by key and only those returned are decoded: the
     * store holds up to {@code inspect.alarms.max} per task and a page asks for a few hundred
     * (decoding them all was the API's largest allocation under load, docs/operations.md).
     */
    public ObjectNode anomalies(long since, int limit, long now) {
        long from = Math.max(since, now - settings.retentionMs());
        List<KeyValue<Bytes, byte[]>> within = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> it = stores.store(InspectStores.ALARMS)
                .reverseRange(InspectStores.alarmKey(Math.max(from, 0), 0), null)) {
            it.forEachRemaining(within::add);
        }
        // reverseRange is newest first within each task's store; the tasks' lists are merged here
        within.sort(Comparator.comparing((KeyValue<Bytes, byte[]> kv) -> kv.key).reversed());
        ObjectNode out = JSON.createObjectNode();
        ArrayNode list = out.putArray("anomalies");
        boolean truncated = false;
        for (KeyValue<Bytes, byte[]> kv : within) {
            InspectStores.KeyedEntry k = InspectStores.alarm(kv.value);
            if (k == null) {
                continue;
            }
            if (list.size() == limit) {
                truncated = true;
                break;
            }
            ObjectNode a = keyNode(k.key());
            a.setAll(output(k.entry()));
            list.add(a);
        }
        out.put("truncated", truncated);
        return out;
    }

    static ObjectNode keyNode(byte[] key) {
        ObjectNode n = JSON.createObjectNode();
        n.put("key", KeyText.display(key));
        n.put("keyHex", HexFormat.of().formatHex(key));
        return n;
    }

    private static ObjectNode output(RecentEntry e) {
        ObjectNode o;
        try {
            JsonNode n = JSON.readTree(e.output());
            o = n instanceof ObjectNode obj ? obj : JSON.createObjectNode();
        } catch (IOException ex) {
            o = JSON.createObjectNode();
        }
        o.put("recordTimestamp", e.recordTs());
        if (!o.has("scoredAt")) {
            o.put("scoredAt", e.scoredAt());
        }
        JsonNode values = values(e.input());
        if (values != null && !o.has("values")) {
            o.set("values", values);
        }
        return o;
    }

    /** The input's numeric features, or null when the input was not kept or has none. */
    private static JsonNode values(byte[] input) {
        if (input == null) {
            return null;
        }
        try {
            JsonNode features = JSON.readTree(input).path("features");
            if (!features.isObject()) {
                return null;
            }
            ObjectNode v = JSON.createObjectNode();
            features.fields().forEachRemaining(f -> {
                if (f.getValue().isNumber()) {
                    v.put(f.getKey(), f.getValue().asDouble());
                }
            });
            return v;
        } catch (IOException ex) {
            return null;
        }
    }

    /** The key's window and alarm state as its newest output shows it. */
    private static ObjectNode state(ArrayNode outputs) {
        JsonNode last = outputs.get(outputs.size() - 1);
        ObjectNode s = JSON.createObjectNode();
        s.put("outputsHeld", outputs.size());
        s.put("windowFilled", !last.path("warmingUp").asBoolean(false));
        // the state (from an alarm until the key re-arms); outputs written before it existed carry only the event
        s.put("inAlarm", last.path("anomalous").asBoolean(last.path("anomaly").asBoolean(false)));
        s.set("alarmScore", last.path("alarmScore").isMissingNode() ? null : last.get("alarmScore"));
        s.set("alarmThreshold", last.path("alarmThreshold").isMissingNode() ? null : last.get("alarmThreshold"));
        s.set("model", last.get("model"));
        // routed scorers: the name of the model that scored the key's newest output
        if (last.hasNonNull("modelName")) {
            s.set("modelName", last.get("modelName"));
        }
        JsonNode lastAlarm = null;
        int alarms = 0;
        for (JsonNode o : outputs) {
            if (o.path("anomaly").asBoolean(false)) {
                lastAlarm = o;
                alarms++;
            }
        }
        s.put("alarmsHeld", alarms);
        s.set("lastAlarmTs", lastAlarm == null ? null : lastAlarm.get("ts"));
        return s;
    }
}
