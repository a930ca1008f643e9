package dev.dl4jlosses.examples.sentence;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.IntStream;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The word-count matrices both bag-of-words baselines ({@link BagOfWords}, {@link Bm25}) are built from: one column
 * per {@link Vocabulary#words lower-cased word} of a fitted corpus and of extra known sentences (e.g. the evaluation
 * set, so that their words are not dropped), one row per sentence. Words outside the columns are ignored. The corpus
 * statistics are counted while tokenising, not from a count matrix: with a real vocabulary (WordNet's glosses have
 * over 40,000 words) the corpus's dense matrix would take gigabytes.
 */
final class WordCounts {

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

    /** The column of each of the sentence's words that has one, in order (repeated words repeat). */
    private int[] columnsOf(String sentence) {
        return Vocabulary.words(sentence).stream().map(columns::get).filter(Objects::nonNull).mapToInt(Integer::intValue).toArray();
    }

    /** Rows {@code [n, words]} (double): how often each column's word occurs in each sentence. */
    INDArray counts(List<String> sentences) {
        double[] counts = new double[sentences.size() * columns.size()];
        for (int s = 0; s < sentences.size(); s++) {
            for (int column : columnsOf(sentences.get(s))) {
                counts[s * columns.size() + column]++;
            }
        }
        return Nd4j.create(counts, new long[]{sentences.size(), columns.size()}, 'c');
    }

    /** Document frequencies and mean length of {@code corpus}. */
    CorpusStatistics statistics(List<String> corpus) {
        if (corpus.isEmpty()) {
            throw new IllegalArgumentException("a bag-of-words baseline needs at least one sentence to fit on");
        }
        double[] documentFrequency = new double[columns.size()];
        long words = 0;
        for (String sentence : corpus) {
            int[] sentenceColumns = columnsOf(sentence);
            words += sentenceColumns.length;
            IntStream.of(sentenceColumns).distinct().forEach(column -> documentFrequency[column]++);
        }
        return new CorpusStatistics(Nd4j.createFromArray(documentFrequency), corpus.size(), (double) words / corpus.size());
    }
}
