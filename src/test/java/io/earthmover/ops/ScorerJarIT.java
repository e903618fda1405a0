package io.earthmover.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.earthmover.kafka.EmbeddedKafkaBroker;
import io.earthmover.testutil.ScoringCsv;
import io.earthmover.testutil.TestBundles;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * target/earthmover-scorer.jar (issue 22), the scorer image's jar: the product without ND4J, JavaCPP,
 * OpenBLAS, training or the harness. It scores exactly as target/earthmover.jar does (its critic is
 * plain Java), and its train says in one line where to run it. Every jar carries natives for
 * linux-x86_64 only.
 */
class ScorerJarIT {
    private static final Path SCORER = Path.of("target/earthmover-scorer.jar").toAbsolutePath();
    private static final Path PRODUCT = Path.of("target/earthmover.jar").toAbsolutePath();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    @Test
    void scorerJarHoldsTheScorerAndNoNd4jTrainingOrHarness() throws IOException {
        List<String> names = JavaJar.entries(SCORER);
        assertThat(names).contains("io/earthmover/cli/Main.class", "io/earthmover/cli/TrainCommand.class",
                "io/earthmover/score/ScorerApp.class", "io/earthmover/score/OfflineScorer.class",
                "io/earthmover/model/FastScorer.class", "io/earthmover/model/ModelBundle.class",
                "org/rocksdb/RocksDB.class", "librocksdbjni-linux64.so");
        for (String left : List.of("org/nd4j/", "org/bytedeco/", "org/deeplearning4j/", "io/earthmover/train/",
                "io/earthmover/harness/", "com/amazon/randomcutforest/", "org/knowm/xchart/", "com/sun/jna/")) {
            assertThat(names).as("entries under " + left).filteredOn(n -> n.startsWith(left)).isEmpty();
        }
        try (JarFile f = new JarFile(SCORER.toFile())) {
            Attributes main = f.getManifest().getMainAttributes();
            assertThat(main.getValue(Attributes.Name.MAIN_CLASS)).isEqualTo("io.earthmover.cli.Main");
            // the harness needs ND4J: the scorer jar does not look for it
            assertThat(main.getValue(Attributes.Name.CLASS_PATH)).isNull();
        }
    }

    @Test
    void everyJarCarriesNativeLibrariesForLinuxX8664Only() throws IOException {
        for (Path jar : List.of(SCORER, PRODUCT)) {
            List<String> natives = JavaJar.entries(jar).stream()
                    .filter(n -> n.matches(".*\\.(so|so\\.[0-9.]+|a|dll|dylib|jnilib)")).toList();
            assertThat(natives).as(jar + " natives").isNotEmpty().allSatisfy(n -> assertThat(n)
                    .matches(".*(linux64\\.so|linux/amd64/|Linux/x86_64/|linux-x86_64/|linux-x86-64/).*"));
        }
    }

    @Test
    void scoresAFileExactlyAsTheFullJarDoes() throws Exception {
        Path model = dir.resolve("m.zip");
        TestBundles.bundle(ScoringCsv.FEATURES, true, 1, 2).write(model);
        Path csv = Files.write(dir.resolve("in.csv"), ScoringCsv.lines(), StandardCharsets.UTF_8);

        List<ObjectNode> full = score(PRODUCT, csv, model);
        List<ObjectNode> slim = score(SCORER, csv, model);

        assertThat(full).hasSize(ScoringCsv.RECORDS);
        assertThat(full.get(ScoringCsv.OUTLIER).path("anomaly").asBoolean()).isTrue();
        assertThat(slim).isEqualTo(full);
    }

    /** The score lines {@code score --input} writes, less {@code scoredAt} (the wall clock). */
    private List<ObjectNode> score(Path jar, Path csv, Path model) throws Exception {
        Path out = dir.resolve(jar.getFileName() + ".jsonl");
        JavaJar.Run run = JavaJar.run(jar, "score", "--input", csv.toString(), "--model-file", model.toString(),
                "--output", out.toString(), "--key-column", "host", "--timestamp-column", "ts");
        assertThat(run.exit()).as(run.out()).isZero();
        assertThat(run.out()).contains("record 201 dead-lettered: WRONG_TYPE").doesNotContain("Exception");
        List<ObjectNode> scored = new ArrayList<>();
        for (String line : Files.readAllLines(out, StandardCharsets.UTF_8)) {
            ObjectNode node = (ObjectNode) JSON.readTree(line);
            assertThat(node.remove("scoredAt")).as(line).isNotNull();
            scored.add(node);
        }
        return scored;
    }

    @Test
    void brokerProduceAndScoreRunFromTheScorerJarAloneAndServeHealthAndInspection() throws Exception {
        Path model = dir.resolve("m.zip");
        TestBundles.bundle(ScoringCsv.FEATURES, true, 1, 2).write(model);
        Path csv = Files.write(dir.resolve("in.csv"), ScoringCsv.lines(), StandardCharsets.UTF_8);
        String bootstrap = "127.0.0.1:" + EmbeddedKafkaBroker.freePort();
        int http = EmbeddedKafkaBroker.freePort();
        Path brokerLog = dir.resolve("broker.log");
        Process broker = JavaJar.start(SCORER, brokerLog, "broker", "--port", bootstrap.substring(bootstrap.indexOf(':') + 1));
        Process score = null;
        try {
            await("the broker's ready line", () -> Files.readString(brokerLog).contains("bootstrap.servers=" + bootstrap));
            JavaJar.Run produce = JavaJar.run(SCORER, "produce", "--bootstrap-servers", bootstrap, "--input", csv.toString(),
                    "--key-column", "host", "--timestamp-column", "ts", "--no-progress");
            assertThat(produce.exit()).as(produce.out()).isZero();

            score = JavaJar.start(SCORER, dir.resolve("score.log"), "score", "--bootstrap-servers", bootstrap,
                    "--model-file", model.toString(), "-s", "metrics.port=" + http, "-s", "scorer.state.dir=" + dir.resolve("state"));
            String base = "http://127.0.0.1:" + http;
            await("/health/ready", () -> get(base + "/health/ready").statusCode() == 200);
            await("every valid record scored", () -> scored(get(base + "/metrics").body()) >= ScoringCsv.RECORDS);
            HttpResponse<String> key = get(base + "/api/keys/a");
            assertThat(key.statusCode()).as(key.body()).isEqualTo(200);
            assertThat(Files.readString(dir.resolve("score.log"))).doesNotContain("NoClassDefFoundError", "ClassNotFoundException");
        } finally {
            if (score != null) {
                score.destroy();
                score.waitFor(60, TimeUnit.SECONDS);
            }
            broker.destroy();
            broker.waitFor(60, TimeUnit.SECONDS);
        }
    }

    private static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The sum of earthmover_records_scored_total over its series. */
    private static double scored(String metrics) {
        return metrics.lines().filter(l -> l.startsWith("earthmover_records_scored_total"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    interface Check {
        boolean holds() throws Exception;
    }

    private static void await(String what, Check check) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (true) {
            try {
                if (check.holds()) {
                    return;
                }
            } catch (IOException e) {
                // not up yet
            }
            assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    @Test
    void theScorerImagesEntrypointRunsTheScorerJar() throws Exception {
        // the scorer image's /app: the launcher in bin/ and earthmover-scorer.jar alone beside it
        Path app = Files.createDirectories(dir.resolve("app/bin")).getParent();
        Files.copy(Path.of("bin/earthmover"), app.resolve("bin/earthmover"));
        try {
            Files.createLink(app.resolve("earthmover-scorer.jar"), SCORER);
        } catch (IOException | UnsupportedOperationException e) {
            Files.copy(SCORER, app.resolve("earthmover-scorer.jar"));
        }
        for (List<String> args : List.of(List.of("--help"), List.of("train", "--input", "x.csv"))) {
            List<String> cmd = new ArrayList<>(List.of("sh", app.resolve("bin/earthmover").toString()));
            cmd.addAll(args);
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            pb.environment().keySet().removeIf(k -> k.startsWith("EARTHMOVER_") || k.equals("JAVA_OPTS"));
            pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
            pb.environment().put("EARTHMOVER_HEAP_OPTS", "-Xmx256m");
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
            if (args.get(0).equals("--help")) {
                assertThat(p.exitValue()).as(out).isZero();
                assertThat(out).contains("Usage: earthmover", "score").doesNotContain("train");
            } else {
                assertThat(p.exitValue()).as(out).isEqualTo(2);
                assertThat(out).contains("error: train needs ND4J");
            }
        }
    }

    @Test
    void modelInspectsAndVerifiesABundleAsTheFullJarDoes() throws Exception {
        Path model = dir.resolve("m.zip");
        TestBundles.bundle(ScoringCsv.FEATURES, true, 1, 2).write(model);
        for (String sub : List.of("inspect", "verify")) {
            JavaJar.Run full = JavaJar.run(PRODUCT, "model", sub, model.toString());
            JavaJar.Run slim = JavaJar.run(SCORER, "model", sub, model.toString());
            assertThat(full.exit()).as(full.out()).isZero();
            assertThat(slim.exit()).as(slim.out()).isZero();
            assertThat(slim.out()).isEqualTo(full.out());
        }
    }

    @Test
    void trainInTheScorerJarSaysInOneLineWhereToRunItAndExitsTwo() throws Exception {
        Path csv = Files.write(dir.resolve("normal.csv"), List.of("ts,cpu", "1,0.5", "2,0.6"), StandardCharsets.UTF_8);
        JavaJar.Run train = JavaJar.run(SCORER, "train", "--input", csv.toString(), "--model-out", dir.toString());
        assertThat(train.exit()).as(train.out()).isEqualTo(2);
        assertThat(train.out().strip()).isEqualTo("error: train needs ND4J: run it from earthmover.jar (the trainer"
                + " image); earthmover-scorer.jar (the scorer image) leaves ND4J out");

        JavaJar.Run help = JavaJar.run(SCORER, "--help");
        assertThat(help.exit()).as(help.out()).isZero();
        assertThat(help.out()).contains("score", "model", "produce", "broker").doesNotContain("train", "evaluate");
    }
}
