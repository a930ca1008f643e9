package dev.dl4jlosses.examples.sentence;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code embed}: embeddings of sentences (a file or standard input) with an encoder trained by {@code sentence-encoder}. */
@Command(name = "embed", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Writes one embedding row per input line (one sentence per line, no empty lines) with a trained sentence encoder.",
                "Example: java -jar dl4j-losses-examples.jar embed --model runs/sentence-encoder --input sentences.txt --output embeddings.npy"})
public final class EmbedCommand implements Callable<Integer> {

    @Option(names = "--model", paramLabel = "DIR", required = true, description = "Directory with encoder.fb and vocabulary.json (sentence-encoder --out).")
    Path model;

    @Option(names = "--input", paramLabel = "FILE", description = "Sentences, one per line (default: standard input).")
    Path input;

    @Option(names = "--output", paramLabel = "FILE", description = "Where to write: FILE.npy (float32 [n, d], NumPy) or any other name "
            + "for TSV (d tab-separated numbers per line). Default: TSV on standard output.")
    Path output;

    @Override
    public Integer call() throws IOException {
        List<String> sentences = input == null ? SentenceFiles.sentences(System.in, "standard input") : SentenceFiles.sentences(input);
        INDArray embeddings = ExportedEncoder.load(model).embed(sentences);
        if (output != null && output.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".npy")) {
            Nd4j.writeAsNumpy(embeddings, output.toFile());
        } else if (output != null) {
            try (Writer writer = Files.newBufferedWriter(output, StandardCharsets.UTF_8)) {
                writeTsv(embeddings, writer);
            }
        } else {
            PrintStream stdout = System.out;
            Writer writer = new BufferedWriter(new OutputStreamWriter(stdout, StandardCharsets.UTF_8));
            writeTsv(embeddings, writer);
            writer.flush();
        }
        if (output != null) {
            System.err.printf(Locale.ROOT, "wrote %d embeddings of dimension %d to %s%n", embeddings.rows(), embeddings.columns(), output);
        }
        return 0;
    }

    static void writeTsv(INDArray embeddings, Writer writer) throws IOException {
        float[][] rows = embeddings.toFloatMatrix();
        for (float[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int j = 0; j < row.length; j++) {
                line.append(j == 0 ? "" : "\t").append(row[j]);
            }
            writer.write(line.append('\n').toString());
        }
    }
}
