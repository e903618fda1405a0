package io.earthmover.harness.cli;

import io.earthmover.cli.CommandProvider;
import java.util.List;

/**
 * The harness's commands (demo, evaluate, bench), registered in META-INF/services so that
 * {@code earthmover} finds them when earthmover-harness.jar is on the class path.
 */
public final class HarnessCommands implements CommandProvider {
    @Override
    public List<Class<?>> commands() {
        return List.of(DemoCommand.class, EvaluateCommand.class, BenchCommand.class);
    }
}
