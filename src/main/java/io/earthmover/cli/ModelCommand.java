package io.earthmover.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.earthmover.model.InvalidModelException;
import io.earthmover.model.ModelBundle;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code earthmover model inspect|verify FILE}: look at and check model bundles. */
@Command(name = "model", mixinStandardHelpOptions = true, description = "Inspect and verify model bundles.",
        subcommands = {ModelCommand.Inspect.class, ModelCommand.Verify.class})
public final class ModelCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    static ModelBundle load(Path file) throws InvalidModelException {
        if (!Files.isRegularFile(file)) {
            throw new UserException("no such file: " + file);
        }
        try {
            return ModelBundle.read(file);
        } catch (IOException e) {
            throw new UserException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    @Command(name = "inspect", mixinStandardHelpOptions = true,
        header = "Print a bundle's manifest, long arrays summarised unless --full.",
            description = {"Print the bundle's manifest as JSON (the bundle is verified first). Long arrays (the",
                    "calibration table) are summarised as their length and range unless --full is given."})
    static final class Inspect implements Callable<Integer> {
        /** Arrays longer than this are summarised. */
        static final int SHOWN = 16;
        private static final ObjectMapper JSON = new ObjectMapper();

        @Parameters(paramLabel = "FILE", description = "Model bundle (.zip)")
        Path file;

        @Option(names = "--full", description = "Print every value, the whole calibration table too")
        boolean full;

        @Override
        public Integer call() throws IOException {
            try {
                String manifest = load(file).manifestJson();
                System.out.println(full ? manifest : JSON.writerWithDefaultPrettyPrinter().writeValueAsString(summary(JSON.readTree(manifest))));
                return ExitCodes.OK;
            } catch (InvalidModelException e) {
                System.err.println("error: " + e.getMessage());
                return ExitCodes.FAILURE;
            }
        }
    }

    /** The manifest with each long array replaced by its length and range. */
    static JsonNode summary(JsonNode n) {
        if (n.isArray() && n.size() > Inspect.SHOWN) {
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            boolean numbers = true;
            for (JsonNode e : n) {
                numbers &= e.isNumber();
                min = Math.min(min, e.asDouble());
                max = Math.max(max, e.asDouble());
            }
            return TextNode.valueOf(n.size() + (numbers ? " values from " + min + " to " + max : " entries") + " (--full shows them)");
        }
        if (n.isObject()) {
            ObjectNode copy = JsonNodeFactory.instance.objectNode();
            n.properties().forEach(e -> copy.set(e.getKey(), summary(e.getValue())));
            return copy;
        }
        if (n.isArray()) {
            ArrayNode copy = JsonNodeFactory.instance.arrayNode();
            n.forEach(e -> copy.add(summary(e)));
            return copy;
        }
        return n;
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = {"Check a bundle: zip structure, format version, SHA-256, schema, shapes and finite values.",
                    "Exit code 0 when valid, 1 when refused (the reason is printed)."})
    static final class Verify implements Callable<Integer> {
        @Parameters(paramLabel = "FILE", description = "Model bundle (.zip)")
        Path file;

        @Override
        public Integer call() {
            try {
                ModelBundle b = load(file);
                System.out.printf(Locale.ROOT, "OK %s: version %s, created %s, %d features %s, window %d%s, "
                                + "critic %s, threshold %.6f, sha256 %s%n", file, b.version(), b.createdAt(),
                        b.schema().size(), b.schema().named() ? "(named)" : "(positional)", b.featuriser().window(),
                        b.featuriser().differences() ? " + differences" : "",
                        java.util.Arrays.toString(b.manifest().architecture().critic()), b.threshold(), b.sha256());
                return ExitCodes.OK;
            } catch (InvalidModelException e) {
                System.out.println("INVALID " + file + ": " + e.getMessage());
                return ExitCodes.FAILURE;
            }
        }
    }
}
