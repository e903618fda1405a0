package io.earthmover.harness.cli;

import io.earthmover.cli.ConfigOptions;
import io.earthmover.cli.ExitCodes;
import io.earthmover.cli.UserException;
import io.earthmover.config.EarthmoverConfig;
import io.earthmover.harness.eval.Profile;
import io.earthmover.harness.eval.keys.ManyKeysBenchmark;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code earthmover evaluate keys}: many keys of different levels and scales, one model. */
@Command(name = "keys", mixinStandardHelpOptions = true,
        description = {"Many keys, one model: generate keys whose levels and noise differ, train one model with the",
                "product's trainer on all of them, score a stream with injected anomalies through the service's",
                "processing, and print precision and recall of the served anomaly field and of score >= threshold.",
                "Trains and scores with --config FILE, by default the shipped profiles/many-keys.properties."})
public final class EvaluateKeysCommand implements Callable<Integer> {
    /** The shipped profile for one model over many keys, used unless --config names another file. */
    static final String PROFILE = "many-keys";

    @Mixin
    ConfigOptions configOptions;

    @Option(names = "--keys", paramLabel = "N", defaultValue = "120", description = "Keys (default: ${DEFAULT-VALUE})")
    int keys;

    @Option(names = "--train-steps", paramLabel = "N", defaultValue = "300", description = "Normal training records per key (default: ${DEFAULT-VALUE})")
    int trainSteps;

    @Option(names = "--test-steps", paramLabel = "N", defaultValue = "600", description = "Scored records per key (default: ${DEFAULT-VALUE})")
    int testSteps;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "7", description = "Seed of the generated stream (default: ${DEFAULT-VALUE})")
    long seed;

    @Override
    public Integer call() throws Exception {
        if (keys < 1 || trainSteps < 10 || testSteps < 200) {
            throw new UserException("need --keys >= 1, --train-steps >= 10 and --test-steps >= 200");
        }
        io.earthmover.train.Nd4jRuntime.configure(1);
        Profile profile = Profile.of(configOptions.configFile(), PROFILE);
        EarthmoverConfig cfg = configOptions.loadWithDefaultFile(profile.settings(), Map.of());
        System.out.println("config: " + profile.source() + (configOptions.settings().isEmpty() ? "" : " with --set " + configOptions.settings()));
        ManyKeysBenchmark.Result r = ManyKeysBenchmark.run(cfg, keys, trainSteps, testSteps, seed);
        System.out.printf(Locale.ROOT, "%d keys, one model %s: %d training records, %d scored, %d injected anomalies%n",
                r.keys(), r.model(), r.trainRecords(), r.testRecords(), r.anomalies());
        System.out.printf(Locale.ROOT, "%-20s %9s %7s %12s %8s %14s %13s%n", "rule", "precision", "recall", "point recall",
                "flagged", "normal flagged", "keys with FA");
        for (ManyKeysBenchmark.RuleResult rule : new ManyKeysBenchmark.RuleResult[] {r.served(), r.scoreRule()}) {
            System.out.printf(Locale.ROOT, "%-20s %9.3f %7.3f %12.3f %8d %13.2f%% %13d%n", rule.rule(),
                    rule.score().precision(), rule.score().recall(), rule.score().pointRecall(), rule.score().flagged(),
                    100 * rule.normalFlaggedShare(), rule.keysWithFalseAlarms());
        }
        r.served().score().byKind().forEach((kind, c) -> System.out.printf(Locale.ROOT, "  %-12s found %d of %d (served)%n",
                kind, c[1], c[0]));
        System.out.printf(Locale.ROOT, "training %.1f s, scoring %.1f s%n", r.trainSeconds(), r.scoreSeconds());
        return ExitCodes.OK;
    }
}
