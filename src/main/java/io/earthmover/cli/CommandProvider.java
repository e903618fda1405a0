package io.earthmover.cli;

import java.util.List;

/**
 * Subcommands that live outside the product jar, found with {@link java.util.ServiceLoader}: the
 * benchmark harness (earthmover-harness.jar) registers one, so {@link Main} names none of its classes
 * and the product jar can ship without them.
 */
public interface CommandProvider {
    /** The picocli command classes to add under {@code earthmover}, each named by its {@code @Command}. */
    List<Class<?>> commands();
}
