package io.earthmover.cli;

import io.earthmover.model.InvalidModelException;
import io.earthmover.model.ModelBundle;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
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
            description = "Print the bundle's manifest as JSON (the bundle is verified first).")
    static final class Inspect implements Callable<Integer> {
        @Parameters(paramLabel = "FILE", description = "Model bundle (.zip)")
        Path file;

        @Override
        public Integer call() {
            try {
                System.out.println(load(file).manifestJson());
                return ExitCodes.OK;
            } catch (InvalidModelException e) {
                System.err.println("error: " + e.getMessage());
                return ExitCodes.FAILURE;
            }
        }
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
