package dev.dl4jlosses.examples.sentence;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code similar}: the sentences of a file nearest to a query sentence, by cosine similarity of their embeddings. */
@Command(name = "similar", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Prints the sentences of --file most similar to --query (cosine similarity of the trained encoder's embeddings: with a lexical channel, the weighted sum of the lexical and the dense cosine).",
                "Example: java -jar dl4j-losses-examples.jar similar --model runs/sentence-encoder --file sentences.txt --query \"the doctor bought a car\""})
public final class SimilarCommand implements Callable<Integer> {

    @Option(names = "--model", paramLabel = "DIR", required = true, description = "Directory with encoder.fb and vocabulary.json (sentence-encoder --out).")
    Path model;

    @Option(names = "--file", paramLabel = "FILE", required = true, description = "Candidate sentences, one per line.")
    Path file;

    @Option(names = "--query", paramLabel = "SENTENCE", required = true, description = "The query sentence.")
    String query;

    @Option(names = "--top", paramLabel = "K", defaultValue = "5", description = "Neighbours to print (default: ${DEFAULT-VALUE}).")
    int top;

    @Override
    public Integer call() throws IOException {
        if (top < 1) {
            throw new IllegalArgumentException("--top must be >= 1; got " + top);
        }
        if (Vocabulary.words(query).isEmpty()) {
            throw new IllegalArgumentException("--query has no words");
        }
        List<String> candidates = SentenceFiles.sentences(file);
        ExportedEncoder encoder = ExportedEncoder.load(model);
        INDArray similarities = encoder.similarities(List.of(query), candidates).reshape(-1);
        INDArray order = Nd4j.sortWithIndices(similarities.dup(), 0, false)[0];
        for (int i = 0; i < Math.min(top, candidates.size()); i++) {
            int index = order.getInt(i);
            System.out.printf(Locale.ROOT, "%.4f\t%s%n", similarities.getDouble(index), candidates.get(index));
        }
        return 0;
    }
}
