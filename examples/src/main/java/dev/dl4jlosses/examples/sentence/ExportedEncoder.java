package dev.dl4jlosses.examples.sentence;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.shade.jackson.databind.JsonNode;
import org.nd4j.shade.jackson.databind.ObjectMapper;

/**
 * A trained encoder as written by {@code sentence-encoder}: {@value #GRAPH} (SameDiff FlatBuffers, the dense
 * encoder's inference graph only: {@link TokenBatch} placeholders of input {@link SentenceEncoder#TOKENS} →
 * {@link SentenceEncoder#EMBEDDING}), {@value #VOCABULARY} (the tokenisation it expects) and, when it was trained with
 * a lexical channel, {@value #LEXICAL} (the {@link LexicalChannel} and the dense share λ). The sentence embedding is
 * then the concatenation {@code [sqrt(1 − λ) · lexical unit vector, sqrt(λ) · dense unit vector]}, whose cosine is
 * {@code (1 − λ) · lexical cosine + λ · dense cosine}; without a lexical channel it is the dense embedding.
 *
 * <pre>
 * ExportedEncoder encoder = ExportedEncoder.load(Path.of("runs/sentence-encoder"));
 * INDArray embeddings = encoder.embed(List.of("the doctor bought a car", "a vehicle was purchased by the physician"));
 * </pre>
 */
public final class ExportedEncoder {

    public static final String GRAPH = "encoder.fb";
    public static final String VOCABULARY = "vocabulary.json";
    public static final String LEXICAL = "lexical.json";
    /** Sentences per forward pass, so memory stays bounded for long files. */
    private static final int CHUNK = 256;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SameDiff graph;
    private final Vocabulary vocabulary;
    private final LexicalChannel lexical;
    private final double denseWeight;

    /** An encoder without a lexical channel. */
    public ExportedEncoder(SameDiff graph, Vocabulary vocabulary) {
        this(graph, vocabulary, null, 1);
    }

    /** @param lexical the lexical channel (or null: dense only, and {@code denseWeight} must be 1) */
    public ExportedEncoder(SameDiff graph, Vocabulary vocabulary, LexicalChannel lexical, double denseWeight) {
        if (!(denseWeight >= 0 && denseWeight <= 1) || lexical == null && denseWeight != 1) {
            throw new IllegalArgumentException("the dense weight must be in [0, 1] (and 1 without a lexical channel); got " + denseWeight);
        }
        this.graph = graph;
        this.vocabulary = vocabulary;
        this.lexical = lexical;
        this.denseWeight = denseWeight;
    }

    public static ExportedEncoder load(Path dir) throws IOException {
        for (String file : List.of(GRAPH, VOCABULARY)) {
            if (!Files.isRegularFile(dir.resolve(file))) {
                throw new IllegalArgumentException(dir.resolve(file) + ": no such file (a trained encoder directory holds " + GRAPH
                        + " and " + VOCABULARY + ", written by sentence-encoder --out)");
            }
        }
        SameDiff graph = SameDiff.fromFlatFile(dir.resolve(GRAPH).toFile());
        Vocabulary vocabulary = Vocabulary.read(dir.resolve(VOCABULARY));
        Path lexicalFile = dir.resolve(LEXICAL);
        if (!Files.isRegularFile(lexicalFile)) {
            return new ExportedEncoder(graph, vocabulary);
        }
        JsonNode fusion = JSON.readTree(lexicalFile.toFile());
        if (!fusion.has("denseWeight") || !fusion.has("channel")) {
            throw new IllegalArgumentException(lexicalFile + ": expected {\"denseWeight\": λ, \"channel\": {...}}");
        }
        return new ExportedEncoder(graph, vocabulary, JSON.treeToValue(fusion.get("channel"), LexicalChannel.class),
                fusion.get("denseWeight").asDouble());
    }

    public void save(Path dir) throws IOException {
        Files.createDirectories(dir);
        graph.asFlatFile(dir.resolve(GRAPH).toFile());
        vocabulary.write(dir.resolve(VOCABULARY));
        if (lexical != null) {
            Map<String, Object> fusion = new LinkedHashMap<>();
            fusion.put("denseWeight", denseWeight);
            fusion.put("channel", lexical);
            JSON.writeValue(dir.resolve(LEXICAL).toFile(), fusion);
        } else {
            Files.deleteIfExists(dir.resolve(LEXICAL));
        }
    }

    /** The dense share λ of the fused cosine (1 without a lexical channel). */
    public double denseWeight() {
        return denseWeight;
    }

    public boolean hasLexicalChannel() {
        return lexical != null;
    }

    /** The same encoder with another dense share λ. */
    public ExportedEncoder withDenseWeight(double weight) {
        return new ExportedEncoder(graph, vocabulary, lexical, weight);
    }

    /** One embedding row per sentence, {@code [n, p]} float (with a lexical channel, the fused vector described above). */
    public INDArray embed(List<String> sentences) {
        INDArray dense = dense(sentences);
        if (lexical == null) {
            return dense;
        }
        INDArray unit = SentenceMetrics.unitRows(dense).castTo(DataType.FLOAT).muli(Math.sqrt(denseWeight));
        return Nd4j.concat(1, lexical.dense(sentences).muli(Math.sqrt(1 - denseWeight)), unit);
    }

    /**
     * Cosine similarities {@code [n, m]} (double) of every query's embedding with every candidate's, computed without
     * forming the wide fused vectors (the lexical part from sparse rows).
     */
    public INDArray similarities(List<String> queries, List<String> candidates) {
        INDArray dense = denseSimilarities(queries, candidates);
        return lexical == null ? dense : lexicalSimilarities(queries, candidates).muli(1 - denseWeight).addi(dense.muli(denseWeight));
    }

    /** Cosines {@code [n, m]} (double) of the dense embeddings alone. */
    public INDArray denseSimilarities(List<String> queries, List<String> candidates) {
        return SentenceMetrics.unitRows(dense(queries)).mmul(SentenceMetrics.unitRows(dense(candidates)).transpose());
    }

    /** Cosines {@code [n, m]} (double) of the lexical vectors alone. */
    public INDArray lexicalSimilarities(List<String> queries, List<String> candidates) {
        if (lexical == null) {
            throw new IllegalStateException("this encoder has no lexical channel");
        }
        return lexical.cosines(queries, candidates);
    }

    /** The dense encoder's output alone, {@code [n, p]} float. */
    public INDArray dense(List<String> sentences) {
        List<INDArray> chunks = new ArrayList<>();
        for (int from = 0; from < sentences.size(); from += CHUNK) {
            List<String> chunk = sentences.subList(from, Math.min(sentences.size(), from + CHUNK));
            chunks.add(graph.output(vocabulary.encode(chunk).feed(SentenceEncoder.TOKENS, DataType.FLOAT), SentenceEncoder.EMBEDDING)
                    .get(SentenceEncoder.EMBEDDING));
        }
        return chunks.size() == 1 ? chunks.get(0) : Nd4j.concat(0, chunks.toArray(INDArray[]::new));
    }

    /**
     * Reloads the export in {@code dir} and returns the largest difference between its embeddings and those of the
     * in-memory encoder on {@code sample}: dense, against the training graph's own forward pass (dropout off), and fused,
     * against {@code inMemory} (whose lexical channel was never written): a check that what was written is what was trained.
     */
    static double verify(Path dir, SentenceTrainer trainer, ExportedEncoder inMemory, List<String> sample) throws IOException {
        ExportedEncoder loaded = load(dir);
        INDArray expected = trainer.embed(sample);
        double difference = Math.max(expected.sub(loaded.dense(sample)).amaxNumber().doubleValue(),
                inMemory.embed(sample).sub(loaded.embed(sample)).amaxNumber().doubleValue());
        if (difference > 1e-4 * Math.max(1, expected.amaxNumber().doubleValue())) {
            throw new IllegalStateException("the exported encoder's embeddings differ from the trained one's by " + difference);
        }
        return difference;
    }
}
