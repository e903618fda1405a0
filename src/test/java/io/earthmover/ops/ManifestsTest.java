package io.earthmover.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Renders each kustomize overlay and checks it against the Kubernetes, Strimzi and
 * Prometheus-operator schemas (tools/npm/validate-manifests.mjs), then against the deployment rules
 * the schemas cannot express.
 */
class ManifestsTest {
    private static final long MODEL_BUNDLE_BYTES = 16L << 20;

    // rendering takes seconds: once per overlay for the whole class
    @TempDir
    static Path tmp;
    private static final Map<String, Path> RENDERED = new ConcurrentHashMap<>();

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod", "routed"})
    void overlayMatchesTheSchemas(String overlay) throws IOException {
        Path rendered = render(overlay);
        Path node = OpsTools.requireNodeTools();
        OpsTools.Result r = OpsTools.run(List.of(node.toString(), "tools/npm/validate-manifests.mjs", rendered.toString()));
        assertThat(r.ok()).as(r.toString()).isTrue();
        assertThat(r.output()).contains("kafka.strimzi.io/v1/Kafka ", "monitoring.coreos.com/v1/PrometheusRule ",
                "apps/v1/Deployment ");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod", "routed"})
    void scorerFitsThePartitionsAndIsLockedDown(String overlay) throws IOException {
        List<JsonNode> docs = documents(render(overlay));
        int partitions = find(docs, "KafkaTopic", "events-in").path("spec").path("partitions").asInt();
        JsonNode deployment = find(docs, "Deployment", "earthmover-scorer");
        JsonNode hpa = find(docs, "HorizontalPodAutoscaler", "earthmover-scorer");
        assertThat(deployment.path("spec").path("replicas").asInt()).isBetween(1, partitions);
        assertThat(hpa.path("spec").path("maxReplicas").asInt()).isLessThanOrEqualTo(partitions);
        assertThat(hpa.path("spec").path("minReplicas").asInt()).isLessThanOrEqualTo(hpa.path("spec").path("maxReplicas").asInt());

        JsonNode pod = deployment.path("spec").path("template").path("spec");
        JsonNode c = pod.path("containers").get(0);
        assertThat(c.path("livenessProbe").path("httpGet").path("path").asText()).isEqualTo("/health/live");
        assertThat(c.path("readinessProbe").path("httpGet").path("path").asText()).isEqualTo("/health/ready");
        assertThat(c.path("resources").path("requests").path("cpu").isMissingNode()).isFalse();
        assertThat(c.path("resources").path("limits").path("memory").isMissingNode()).isFalse();
        assertLockedDown(pod, c, docs);
        // the scorer image (earthmover-scorer.jar, no ND4J); the trainers keep the full one
        assertThat(c.path("image").asText()).endsWith("-scorer");
        assertThat(c.path("env")).anySatisfy(e -> {
            assertThat(e.path("name").asText()).isEqualTo("EARTHMOVER_KAFKA_SASL_JAAS_CONFIG");
            assertThat(e.path("valueFrom").path("secretKeyRef").path("name").asText()).isNotEmpty();
        });
        assertThat(find(docs, "KafkaUser", c.path("env").findValue("secretKeyRef").path("name").asText())).isNotNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod", "routed"})
    void scorerIsScrapedGuardedAndAlerted(String overlay) throws IOException {
        List<JsonNode> docs = documents(render(overlay));
        JsonNode service = find(docs, "Service", "earthmover-scorer");
        JsonNode monitor = find(docs, "ServiceMonitor", "earthmover-scorer");
        monitor.path("spec").path("selector").path("matchLabels").fields().forEachRemaining(label ->
                assertThat(service.path("metadata").path("labels").path(label.getKey()).asText()).isEqualTo(label.getValue().asText()));
        String port = monitor.path("spec").path("endpoints").get(0).path("port").asText();
        assertThat(service.path("spec").path("ports").findValuesAsText("name")).contains(port);
        assertThat(find(docs, "PodDisruptionBudget", "earthmover-scorer")).isNotNull();
        assertThat(find(docs, "NetworkPolicy", "earthmover-scorer")).isNotNull();
        assertThat(find(docs, "PrometheusRule", "earthmover")).isNotNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod", "routed"})
    void modelsTopicIsCompactedAndTakesWholeBundles(String overlay) throws IOException {
        JsonNode config = find(documents(render(overlay)), "KafkaTopic", "models").path("spec").path("config");
        assertThat(config.path("cleanup.policy").asText()).isEqualTo("compact");
        assertThat(config.path("max.message.bytes").asLong()).isGreaterThanOrEqualTo(MODEL_BUNDLE_BYTES);
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod", "routed"})
    void cpuTrainerNeedsNoGpu(String overlay) throws IOException {
        List<JsonNode> docs = documents(render(overlay));
        JsonNode cron = find(docs, "CronJob", "earthmover-train-cpu");
        assertBatchLimits(cron);
        JsonNode pod = cron.path("spec").path("jobTemplate").path("spec").path("template").path("spec");
        assertThat(pod.toString()).doesNotContain("nvidia.com/gpu");
        assertThat(pod.path("containers").get(0).path("image").asText()).doesNotEndWith("-scorer").doesNotEndWith("-cuda");
        assertLockedDown(pod, pod.path("containers").get(0), docs);
    }

    @ParameterizedTest
    @ValueSource(strings = {"prod"})
    void gpuTrainerRequestsOneSupportedGpu(String overlay) throws IOException {
        List<JsonNode> docs = documents(render(overlay));
        JsonNode cron = find(docs, "CronJob", "earthmover-train-gpu");
        assertBatchLimits(cron);
        JsonNode pod = cron.path("spec").path("jobTemplate").path("spec").path("template").path("spec");
        JsonNode c = pod.path("containers").get(0);
        assertThat(c.path("resources").path("limits").path("nvidia.com/gpu").asText()).isEqualTo("1");
        assertThat(c.path("image").asText()).endsWith("-cuda");
        assertThat(pod.path("nodeSelector").fieldNames()).toIterable().anyMatch(k -> k.startsWith("nvidia.com/gpu"));
        // compute capability 9.x (H100/H200) has no kernels in nd4j-cuda-11.6
        List<String> majors = pod.path("affinity").findValues("values").stream()
                .flatMap(v -> Stream.of(v.toString())).toList();
        assertThat(String.join(" ", majors)).doesNotContain("\"9\"");
        assertThat(pod.path("affinity").toString()).contains("nvidia.com/gpu.compute.major");
        assertLockedDown(pod, c, docs);
    }

    /**
     * The routed overlay: the scorer routes by key prefix with a default and a bound on models, and
     * each further model has its own retraining CronJob (--model-name NAME) reading its own training
     * topic, which the trainer's user may read, as locked down as the default model's.
     */
    @org.junit.jupiter.api.Test
    void routedOverlayRetrainsEachModelFromItsOwnTopic() throws IOException {
        List<JsonNode> docs = documents(render("routed"));
        JsonNode scorer = find(docs, "Deployment", "earthmover-scorer").path("spec").path("template").path("spec")
                .path("containers").get(0);
        Map<String, String> env = new java.util.HashMap<>();
        scorer.path("env").forEach(e -> env.put(e.path("name").asText(), e.path("value").asText()));
        Map<String, String> routing = new java.util.HashMap<>();
        env.forEach((k, v) -> {
            if (k.startsWith("EARTHMOVER_ROUTING_")) {
                routing.put(k, v);
            }
        });
        assertThat(routing).containsKeys("EARTHMOVER_ROUTING_MODE", "EARTHMOVER_ROUTING_DEFAULT", "EARTHMOVER_ROUTING_MAX_MODELS");
        // the scorer's configuration, as it will load it, is valid routing
        io.earthmover.config.EarthmoverConfig cfg = io.earthmover.config.EarthmoverConfig.load(
                Path.of("k8s/base/scorer/earthmover.properties"), routing, Map.of());
        io.earthmover.score.ModelRouter router = io.earthmover.score.ModelRouter.from(cfg);
        assertThat(router.routed()).isTrue();
        String defaultModel = router.defaultModel();

        JsonNode trainer = find(docs, "KafkaUser", "earthmover-trainer");
        List<String> trained = new ArrayList<>();
        for (JsonNode cron : docs) {
            if (!cron.path("kind").asText().equals("CronJob")) {
                continue;
            }
            assertBatchLimits(cron);
            assertThat(cron.path("spec").path("suspend").asBoolean()).as("runs").isFalse();
            JsonNode pod = cron.path("spec").path("jobTemplate").path("spec").path("template").path("spec");
            JsonNode c = pod.path("containers").get(0);
            assertLockedDown(pod, c, docs);
            String model = "default";
            String topic = "events-train";
            for (JsonNode a : c.path("args")) {
                if (a.asText().startsWith("--model-name=")) {
                    model = a.asText().substring("--model-name=".length());
                } else if (a.asText().startsWith("--topic=")) {
                    topic = a.asText().substring("--topic=".length());
                }
            }
            trained.add(model);
            assertThat(find(docs, "KafkaTopic", topic)).as("training topic of " + model).isNotNull();
            String t = topic;
            assertThat(trainer.path("spec").path("authorization").path("acls")).as("trainer may read " + topic).anySatisfy(acl -> {
                JsonNode r = acl.path("resource");
                assertThat(r.path("type").asText()).isEqualTo("topic");
                assertThat(r.path("patternType").asText().equals("prefix") ? t.startsWith(r.path("name").asText())
                        : t.equals(r.path("name").asText())).isTrue();
                assertThat(acl.path("operations").toString()).contains("Read");
            });
        }
        assertThat(trained).as("one retraining job per model, the default among them").doesNotHaveDuplicates()
                .contains(defaultModel).hasSizeGreaterThanOrEqualTo(3);
        assertThat(trained.size()).isLessThanOrEqualTo(router.maxModels());
    }

    private static void assertBatchLimits(JsonNode cron) {
        assertThat(cron.path("spec").path("concurrencyPolicy").asText()).isEqualTo("Forbid");
        JsonNode job = cron.path("spec").path("jobTemplate").path("spec");
        assertThat(job.path("backoffLimit").isInt()).isTrue();
        assertThat(job.path("activeDeadlineSeconds").asInt()).isPositive();
        assertThat(job.path("template").path("spec").path("containers").get(0).path("args").toString())
                .contains("train", "--publish");
    }

    /** Non-root, read-only root filesystem with emptyDirs for /tmp and the JavaCPP cache, config from a ConfigMap. */
    private static void assertLockedDown(JsonNode pod, JsonNode container, List<JsonNode> docs) {
        assertThat(pod.path("securityContext").path("runAsNonRoot").asBoolean()).isTrue();
        assertThat(pod.path("securityContext").path("runAsUser").asInt()).isPositive();
        assertThat(container.path("securityContext").path("readOnlyRootFilesystem").asBoolean()).isTrue();
        assertThat(container.path("securityContext").path("allowPrivilegeEscalation").asBoolean(true)).isFalse();
        for (String path : List.of("/tmp", "/var/cache/javacpp")) {
            String volume = null;
            for (JsonNode m : container.path("volumeMounts")) {
                if (m.path("mountPath").asText().equals(path)) {
                    volume = m.path("name").asText();
                }
            }
            assertThat(volume).as("a volume mounted at " + path).isNotNull();
            String name = volume;
            assertThat(pod.path("volumes")).anySatisfy(v -> {
                assertThat(v.path("name").asText()).isEqualTo(name);
                assertThat(v.has("emptyDir")).isTrue();
            });
        }
        String configMap = pod.path("volumes").findValue("configMap").path("name").asText();
        assertThat(find(docs, "ConfigMap", configMap).path("data").has("earthmover.properties")).isTrue();
        assertThat(container.path("args").toString()).contains("/etc/earthmover/earthmover.properties");
    }

    private static Path render(String overlay) throws IOException {
        Path cached = RENDERED.get(overlay);
        if (cached != null) {
            return cached;
        }
        List<String> cmd = new ArrayList<>(OpsTools.requireKustomize());
        cmd.add("k8s/overlays/" + overlay);
        OpsTools.Result r = OpsTools.run(cmd);
        assertThat(r.ok()).as(r.toString()).isTrue();
        Path file = Files.writeString(tmp.resolve(overlay + ".yaml"), r.output());
        RENDERED.put(overlay, file);
        return file;
    }

    static List<JsonNode> documents(Path file) throws IOException {
        List<JsonNode> docs = new ArrayList<>();
        try (MappingIterator<JsonNode> it = PromQlExpressions.YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
            while (it.hasNext()) {
                JsonNode doc = it.next();
                if (doc != null && !doc.isNull() && !doc.isMissingNode()) {
                    docs.add(doc);
                }
            }
        }
        return docs;
    }

    static JsonNode find(List<JsonNode> docs, String kind, String name) {
        Optional<JsonNode> found = docs.stream()
                .filter(d -> d.path("kind").asText().equals(kind) && d.path("metadata").path("name").asText().equals(name))
                .findFirst();
        assertThat(found).as(kind + " " + name).isPresent();
        return found.get();
    }
}
