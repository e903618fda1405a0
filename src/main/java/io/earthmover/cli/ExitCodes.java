package io.earthmover.cli;

/** Process exit codes shared by the subcommands. */
public final class ExitCodes {
    private ExitCodes() {
    }

    public static final int OK = 0;
    /** A failure while running (broker unreachable, training diverged, ...). */
    public static final int FAILURE = 1;
    /** Bad configuration or arguments. */
    public static final int USAGE = 2;
    /** The trainer's quality gate refused the new model; nothing was published. */
    public static final int GATE_REJECTED = 3;
}
