package dev.dl4jlosses.examples.sentence;

import java.util.List;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The bag-of-words baseline: TF-IDF vectors over {@link Vocabulary#words lower-cased words}, with smoothed inverse
 * document frequencies {@code idf(w) = ln((1 + N) / (1 + df(w))) + 1} fitted on a corpus of N sentences (words
 * outside it get {@code df = 0}). Compared by cosine similarity like the encoder's embeddings.
 */
public final class BagOfWords {

    private final WordCounts words;
    private final INDArray idf;

    /** Fits the document frequencies on {@code corpus}; {@code alsoKnown} adds words (e.g. of the evaluation set) with df 0. */
    public BagOfWords(List<String> corpus, List<String> alsoKnown) {
        words = new WordCounts(corpus, alsoKnown);
        INDArray documentFrequency = words.statistics(corpus).documentFrequency();
        idf = Transforms.log(documentFrequency.add(1).rdiv(corpus.size() + 1.0)).add(1);
    }

    /** TF-IDF rows {@code [n, words]} (term frequency = count in the sentence). */
    public INDArray vectors(List<String> sentences) {
        return words.counts(sentences).mulRowVector(idf);
    }
}
