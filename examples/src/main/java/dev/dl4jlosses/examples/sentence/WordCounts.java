package dev.dl4jlosses.examples.sentence;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The word-count matrices both bag-of-words baselines ({@link BagOfWords}, {@link Bm25}) are built from: one column
 * per {@link Vocabulary#words lower-cased word} of a fitted corpus and of extra known sentences (e.g. the evaluation
 * set, so that their words are not dropped), one row per sentence. Words outside the columns are ignored.
 */
final class WordCounts {

    /** Matrix entries per block of corpus rows when fitting, so that a large corpus is never one dense matrix. */
    private static final long BLOCK_ENTRIES = 1 << 22;

    /**
     * What the baselines fit on their corpus.
     *
     * @param documentFrequency {@code [words]}: in how many corpus sentences each column's word occurs
     * @param documents         corpus sentences
     * @param meanLength        their mean number of (counted) words
     */
    record CorpusStatistics(INDArray documentFrequency, int documents, double meanLength) {
    }

    private final Map<String, Integer> columns = new HashMap<>();

    WordCounts(List<String> corpus, List<String> alsoKnown) {
        corpus.forEach(this::index);
        alsoKnown.forEach(this::index);
    }

    private void index(String sentence) {
        Vocabulary.words(sentence).forEach(w -> columns.putIfAbsent(w, columns.size()));
    }

    /** Rows {@code [n, words]} (double): how often each column's word occurs in each sentence. */
    INDArray counts(List<String> sentences) {
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

    /** Document frequencies and mean length of {@code corpus}, summed over blocks of rows. */
    CorpusStatistics statistics(List<String> corpus) {
        if (corpus.isEmpty()) {
            throw new IllegalArgumentException("a bag-of-words baseline needs at least one sentence to fit on");
        }
        int block = (int) Math.max(1, BLOCK_ENTRIES / Math.max(1, columns.size()));
        INDArray documentFrequency = Nd4j.zeros(DataType.DOUBLE, columns.size());
        double words = 0;
        for (int start = 0; start < corpus.size(); start += block) {
            INDArray counts = counts(corpus.subList(start, Math.min(corpus.size(), start + block)));
            documentFrequency.addi(counts.gt(0).castTo(DataType.DOUBLE).sum(0));
            words += counts.sumNumber().doubleValue();
        }
        return new CorpusStatistics(documentFrequency, corpus.size(), words / corpus.size());
    }
}
