package dev.dl4jlosses.examples.common;

/**
 * A run that cannot go on for a reason the user can act on (for example a loss that became NaN): the CLI prints the
 * message and exits with status 1 instead of a stack trace.
 */
public final class RunFailure extends RuntimeException {

    public RunFailure(String message) {
        super(message);
    }
}
