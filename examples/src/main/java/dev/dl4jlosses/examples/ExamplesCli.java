package dev.dl4jlosses.examples;

import dev.dl4jlosses.examples.common.OneDnn;
import dev.dl4jlosses.examples.common.RunFailure;
import dev.dl4jlosses.examples.images.FashionMnistCommand;
import dev.dl4jlosses.examples.sentence.EmbedCommand;
import dev.dl4jlosses.examples.sentence.SentenceEncoderCommand;
import dev.dl4jlosses.examples.sentence.SimilarCommand;
import dev.dl4jlosses.examples.sentence.WordNetCommand;
import dev.dl4jlosses.examples.simclr.SimClrImageCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of {@code dl4j-losses-examples.jar}: one command per example program.
 *
 * <pre>
 * java -jar examples/target/dl4j-losses-examples.jar --help
 * java -jar examples/target/dl4j-losses-examples.jar simclr-image --out runs/simclr
 * java -jar examples/target/dl4j-losses-examples.jar sentence-encoder --out runs/sentence-encoder
 * </pre>
 */
@Command(name = "dl4j-losses-examples", mixinStandardHelpOptions = true, version = "dl4j-losses examples 0.1.0",
        description = "Example programs that train, evaluate and export encoders with dl4j-losses.",
        subcommands = {SimClrImageCommand.class, SentenceEncoderCommand.class, EmbedCommand.class, SimilarCommand.class,
                FashionMnistCommand.class, WordNetCommand.class, CommandLine.HelpCommand.class})
public final class ExamplesCli {

    private ExamplesCli() {
    }

    public static void main(String[] args) {
        // charts are rendered to PNG files; no display is needed or wanted
        System.setProperty("java.awt.headless", "true");
        OneDnn.configure();
        System.exit(commandLine().execute(args));
    }

    /**
     * The command tree, also used by tests to run subcommands in-process. A bad flag value or input file ends the
     * program with its message and exit code 2, a {@link RunFailure} (e.g. a diverged loss) with exit code 1, not a
     * stack trace.
     */
    public static CommandLine commandLine() {
        return new CommandLine(new ExamplesCli()).setExecutionExceptionHandler((error, command, parsed) -> {
            if (error instanceof IllegalArgumentException) {
                command.getErr().println("error: " + error.getMessage());
                return 2;
            }
            if (error instanceof RunFailure) {
                command.getErr().println("stopped: " + error.getMessage());
                return 1;
            }
            throw error;
        });
    }
}
