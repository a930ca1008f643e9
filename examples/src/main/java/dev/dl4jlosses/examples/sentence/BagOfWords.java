package dev.dl4jlosses.examples.sentence;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The bag-of-words baseline: TF-IDF vectors over {@link Vocabulary#words lower-cased words}, with smoothed inverse
 * document frequencies {@code idf(w) = ln((1 + N) / (1 + df(w))) + 1} fitted on a corpus of N sentences (words
 * outside it get {@code df = 0}). Compared by cosine similarity like the encoder's embeddings.
 */
public final class BagOfWords {

    private final Map<String, Integer> columns = new HashMap<>();
    private final INDArray idf;

    /** Fits the document frequencies on {@code corpus}; {@code alsoKnown} adds words (e.g. of the evaluation set) with df 0. */
    public BagOfWords(List<String> corpus, List<String> alsoKnown) {
        corpus.forEach(this::index);
        alsoKnown.forEach(this::index);
        INDArray documentFrequency = counts(corpus).gt(0).castTo(DataType.DOUBLE).sum(0);
        idf = Transforms.log(documentFrequency.add(1).rdiv(corpus.size() + 1.0)).add(1);
    }

    private void index(String sentence) {
        Vocabulary.words(sentence).forEach(w -> columns.putIfAbsent(w, columns.size()));
    }

    /** TF-IDF rows {@code [n, words]} (term frequency = count in the sentence). */
    public INDArray vectors(List<String> sentences) {
        return counts(sentences).mulRowVector(idf);
    }

    private INDArray counts(List<String> sentences) {
        double[] counts = new double[sentences.size() * columns.size()];
        for (int s = 0; s < sentences.size(); s++) {
            for (String word : Vocabulary.words(sentences.get(s))) {
                Integer column = columns.get(word);
                if (column != null) {
                    counts[s * columns.size() + column]++;
                }
            }
        }
        return Nd4j.create(counts, new long[]{sentences.size(), columns.size()}, 'c');
    }
}
