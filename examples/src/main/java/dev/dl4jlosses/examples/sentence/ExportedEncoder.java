package dev.dl4jlosses.examples.sentence;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A trained encoder as written by {@code sentence-encoder}: {@value #GRAPH} (SameDiff FlatBuffers, the inference
 * graph only: {@link TokenBatch} placeholders of input {@link SentenceEncoder#TOKENS} → {@link SentenceEncoder#EMBEDDING})
 * and {@value #VOCABULARY} (the tokenisation it expects).
 *
 * <pre>
 * ExportedEncoder encoder = ExportedEncoder.load(Path.of("runs/sentence-encoder"));
 * INDArray embeddings = encoder.embed(List.of("the doctor bought a car", "a vehicle was purchased by the physician"));
 * </pre>
 */
public final class ExportedEncoder {

    public static final String GRAPH = "encoder.fb";
    public static final String VOCABULARY = "vocabulary.json";
    /** Sentences per forward pass, so memory stays bounded for long files. */
    private static final int CHUNK = 256;

    private final SameDiff graph;
    private final Vocabulary vocabulary;

    public ExportedEncoder(SameDiff graph, Vocabulary vocabulary) {
        this.graph = graph;
        this.vocabulary = vocabulary;
    }

    public static ExportedEncoder load(Path dir) throws IOException {
        for (String file : List.of(GRAPH, VOCABULARY)) {
            if (!Files.isRegularFile(dir.resolve(file))) {
                throw new IllegalArgumentException(dir.resolve(file) + ": no such file (a trained encoder directory holds " + GRAPH
                        + " and " + VOCABULARY + ", written by sentence-encoder --out)");
            }
        }
        return new ExportedEncoder(SameDiff.fromFlatFile(dir.resolve(GRAPH).toFile()), Vocabulary.read(dir.resolve(VOCABULARY)));
    }

    public void save(Path dir) throws IOException {
        Files.createDirectories(dir);
        graph.asFlatFile(dir.resolve(GRAPH).toFile());
        vocabulary.write(dir.resolve(VOCABULARY));
    }

    /** One embedding row per sentence, {@code [n, p]} float. */
    public INDArray embed(List<String> sentences) {
        List<INDArray> chunks = new ArrayList<>();
        for (int from = 0; from < sentences.size(); from += CHUNK) {
            List<String> chunk = sentences.subList(from, Math.min(sentences.size(), from + CHUNK));
            chunks.add(graph.output(vocabulary.encode(chunk).feed(SentenceEncoder.TOKENS, DataType.FLOAT), SentenceEncoder.EMBEDDING)
                    .get(SentenceEncoder.EMBEDDING));
        }
        return chunks.size() == 1 ? chunks.get(0) : Nd4j.concat(0, chunks.toArray(INDArray[]::new));
    }
}
