package io.earthmover.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPath;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

/**
 * The container image (pom.xml profile "image", Jib) starts the launcher bin/earthmover, staged as
 * /app/bin/earthmover beside /app/earthmover.jar, so the image runs with the same JVM flags as
 * bin/earthmover on a workstation; the Kubernetes manifests pass only args, so they run it too.
 */
class ImageEntrypointTest {
    private static final String JIB = "/project/profiles/profile[id='image']/build/plugins/plugin[artifactId='jib-maven-plugin']/configuration";

    private static Document pom() throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(Path.of("pom.xml").toFile());
    }

    private static List<String> texts(Document d, String xpath) throws Exception {
        XPath x = XPathFactory.newInstance().newXPath();
        NodeList nodes = (NodeList) x.evaluate(xpath, d, XPathConstants.NODESET);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            out.add(nodes.item(i).getTextContent().strip());
        }
        return out;
    }

    @Test
    void theImageEntrypointIsTheLauncher() throws Exception {
        Document d = pom();
        assertThat(texts(d, JIB + "/container/entrypoint/arg")).containsExactly("/app/bin/earthmover");
        assertThat(texts(d, JIB + "/container/args/arg")).containsExactly("--help");
        // what the old java entrypoint passed besides the launcher's own flags
        assertThat(texts(d, JIB + "/container/environment/EARTHMOVER_OPTS")).singleElement().asString()
                .contains("-Djava.io.tmpdir=/tmp", "-Dorg.bytedeco.javacpp.cachedir=/var/cache/javacpp");
        // staged executable, one directory below the jar it finds (earthmover.jar unless -Pscorer-image)
        assertThat(String.join("\n", texts(d, "/project/profiles/profile[id='image']//copy/@tofile")))
                .contains("jib-extra/app/${image.jar}", "jib-extra/app/bin/earthmover");
        assertThat(texts(d, "/project/properties/image.jar")).containsExactly("earthmover.jar");
        assertThat(texts(d, "/project/profiles/profile[id='image']//copy[contains(@tofile,'app/bin/earthmover')]/@file"))
                .containsExactly("${project.basedir}/bin/earthmover");
        assertThat(texts(d, JIB + "/extraDirectories/permissions/permission[file='/app/bin/earthmover']/mode"))
                .containsExactly("755");
        // the launcher itself: the flags the image used to pass to java, and a POSIX shell (the bases have /bin/sh)
        String launcher = Files.readString(Path.of("bin/earthmover"));
        assertThat(launcher).startsWith("#!/bin/sh\n")
                .contains("--add-modules=jdk.incubator.vector", "-XX:MaxRAMPercentage=40.0",
                        "-XX:+ExitOnOutOfMemoryError", "exec \"$java\" \"$@\"");
        assertThat(Files.isExecutable(Path.of("bin/earthmover"))).isTrue();
    }

    @Test
    void theScorerImageStagesTheScorerJarAloneForTheSameLauncher() throws Exception {
        Document d = pom();
        String profile = "/project/profiles/profile[id='scorer-image']/properties";
        assertThat(texts(d, profile + "/image.jar")).containsExactly("earthmover-scorer.jar");
        assertThat(texts(d, profile + "/image.name")).singleElement().asString().endsWith("-scorer");
        // the jar the scorer execution of the shade plugin writes
        assertThat(texts(d, "/project/build/plugins/plugin[artifactId='maven-shade-plugin']/executions"
                + "/execution[id='scorer']/configuration/outputFile"))
                .containsExactly("${project.build.directory}/earthmover-scorer.jar");
        // staged under its own name, so the launcher's search (earthmover.jar, then earthmover-scorer.jar)
        // finds it; the stage is emptied first, or a trainer image's earthmover.jar left there would win
        String target = "/project/profiles/profile[id='image']//execution[id='image-stage']/configuration/target";
        assertThat(texts(d, target + "/copy[contains(@tofile,'app/${image.jar}')]/@file"))
                .containsExactly("${project.build.directory}/${image.jar}");
        assertThat(texts(d, target + "/*[1][self::delete]/@dir")).containsExactly("${project.build.directory}/jib-extra");
        assertThat(Files.readString(Path.of("bin/earthmover"))).contains("for name in earthmover.jar earthmover-scorer.jar");
        // one entrypoint and one set of arguments for both images
        assertThat(texts(d, "/project/profiles/profile[id='scorer-image']//container")).isEmpty();
    }

    @Test
    void kubernetesPassesArgsAndKeepsTheEntrypoint() throws Exception {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        List<JsonNode> containers = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("k8s"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).toList()) {
                try (YAMLParser p = new YAMLFactory().createParser(f.toFile())) {
                    for (JsonNode doc : yaml.readValues(p, JsonNode.class).readAll()) {
                        if (doc != null) {
                            doc.findParents("image").stream().filter(n -> n.has("name") && n.path("image").asText().contains("earthmover"))
                                    .forEach(containers::add);
                        }
                    }
                }
            }
        }
        assertThat(containers).isNotEmpty();
        for (JsonNode c : containers) {
            // a command: would replace the launcher (and its flags) with whatever it names
            assertThat(c.has("command")).as(c.toString()).isFalse();
        }
        assertThat(containers.stream().filter(c -> c.has("args")).map(c -> c.path("args").get(0).asText()))
                .contains("score", "train");
    }
}
