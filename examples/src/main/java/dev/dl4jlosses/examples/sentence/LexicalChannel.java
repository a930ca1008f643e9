package dev.dl4jlosses.examples.sentence;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.shade.jackson.annotation.JsonCreator;
import org.nd4j.shade.jackson.annotation.JsonProperty;
import org.nd4j.shade.jackson.databind.ObjectMapper;

/**
 * The fixed lexical half of the fused sentence embedding: a unit-length sparse vector of weighted word counts
 * ({@link Vocabulary#words lower-cased words} hashed into {@code wordBuckets} columns) and weighted character
 * n-gram counts ({@code minGram}..{@code maxGram} characters of {@code <word>}, hashed into {@code gramBuckets}
 * columns), each part scaled to length {@code sqrt(1 − gramShare)} and {@code sqrt(gramShare)}, so the cosine of two
 * sentences is {@code (1 − gramShare) · word cosine + gramShare · n-gram cosine}. Words are hashed rather than
 * listed so that a word never seen in training still matches itself (with the highest idf, df = 0). Weights, fitted
 * on the training sentences:
 * <ul>
 *   <li>{@link Weighting#TFIDF}: {@code (1 + ln tf) · idf}, idf smoothed as in {@link BagOfWords};</li>
 *   <li>{@link Weighting#BM25}: BM25's saturated, length-normalised term weight
 *   {@code idf · tf (k1 + 1) / (tf + k1 (1 − b + b |s| / avg))} with {@link Bm25}'s idf, k1 and b, on both sides.</li>
 * </ul>
 * Saved as JSON (the idf of every column) next to the exported dense encoder.
 */
public final class LexicalChannel {

    public enum Weighting { TFIDF, BM25 }

    /** A sparse row: ascending column indices and their values. */
    public record SparseRow(int[] columns, double[] values) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    @JsonProperty("weighting")
    private final Weighting weighting;
    @JsonProperty("wordBuckets")
    private final int wordBuckets;
    @JsonProperty("gramBuckets")
    private final int gramBuckets;
    @JsonProperty("minGram")
    private final int minGram;
    @JsonProperty("maxGram")
    private final int maxGram;
    @JsonProperty("gramShare")
    private final double gramShare;
    /** Per column: words' columns first, then the n-grams'. */
    @JsonProperty("idf")
    private final double[] idf;
    /** Mean counted words and n-grams per training sentence (BM25's avgdl of each part). */
    @JsonProperty("meanLengths")
    private final double[] meanLengths;

    @JsonCreator
    public LexicalChannel(@JsonProperty("weighting") Weighting weighting, @JsonProperty("wordBuckets") int wordBuckets,
                          @JsonProperty("gramBuckets") int gramBuckets, @JsonProperty("minGram") int minGram,
                          @JsonProperty("maxGram") int maxGram, @JsonProperty("gramShare") double gramShare,
                          @JsonProperty("idf") double[] idf, @JsonProperty("meanLengths") double[] meanLengths) {
        if (weighting == null || wordBuckets < 1 || gramBuckets < 1 || minGram < 1 || maxGram < minGram || gramShare < 0
                || gramShare > 1 || idf == null || idf.length != wordBuckets + gramBuckets || meanLengths == null
                || meanLengths.length != 2) {
            throw new IllegalArgumentException("lexical channel needs a weighting, buckets >= 1, 1 <= minGram <= maxGram, "
                    + "0 <= gramShare <= 1, one idf per bucket and 2 mean lengths; got " + weighting + ", " + wordBuckets + ", "
                    + gramBuckets + ", " + minGram + ".." + maxGram + ", " + gramShare + ", "
                    + (idf == null ? "no" : idf.length) + " idf");
        }
        this.weighting = weighting;
        this.wordBuckets = wordBuckets;
        this.gramBuckets = gramBuckets;
        this.minGram = minGram;
        this.maxGram = maxGram;
        this.gramShare = gramShare;
        this.idf = idf.clone();
        this.meanLengths = meanLengths.clone();
    }

    /** Fits the document frequencies and mean lengths on {@code corpus}. */
    public static LexicalChannel fit(List<String> corpus, Weighting weighting, int wordBuckets, int gramBuckets, int minGram,
                                     int maxGram, double gramShare) {
        if (corpus.isEmpty()) {
            throw new IllegalArgumentException("the lexical channel needs at least one sentence to fit on");
        }
        double[] zeros = new double[wordBuckets + gramBuckets];
        LexicalChannel counter = new LexicalChannel(weighting, wordBuckets, gramBuckets, minGram, maxGram, gramShare, zeros,
                new double[]{1, 1});
        double[] documentFrequency = new double[zeros.length];
        double[] lengths = new double[2];
        for (String sentence : corpus) {
            for (Map.Entry<Integer, Integer> count : counter.counts(sentence).entrySet()) {
                documentFrequency[count.getKey()]++;
                lengths[count.getKey() < wordBuckets ? 0 : 1] += count.getValue();
            }
        }
        double n = corpus.size();
        double[] idf = new double[zeros.length];
        for (int c = 0; c < idf.length; c++) {
            double df = documentFrequency[c];
            idf[c] = weighting == Weighting.TFIDF ? Math.log((1 + n) / (1 + df)) + 1 : Math.log(1 + (n - df + 0.5) / (df + 0.5));
        }
        return new LexicalChannel(weighting, wordBuckets, gramBuckets, minGram, maxGram, gramShare, idf,
                new double[]{Math.max(lengths[0] / n, 1e-9), Math.max(lengths[1] / n, 1e-9)});
    }

    /**
     * Fits the channel; with {@code gramShare} "auto" and validation pairs, the n-gram share is chosen on them
     * ({@link DenseWeightChoice#chooseGramShare}), without them it is 0.5.
     */
    static LexicalChannel fitChoosingShare(List<String> trainingText, Weighting weighting, int buckets, int[] gramRange, String gramShare,
                                           List<ParaphraseCorpus.Pair> validation) {
        boolean auto = "auto".equals(gramShare);
        double share;
        try {
            share = auto ? 0.5 : Double.parseDouble(gramShare);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--gram-share must be a number in [0, 1] or auto; got '" + gramShare + "'");
        }
        LexicalChannel fitted = fit(trainingText, weighting, buckets, buckets, gramRange[0], gramRange[1], share);
        return auto && !validation.isEmpty() ? DenseWeightChoice.chooseGramShare(fitted, validation) : fitted;
    }

    /** Parses {@code MIN-MAX} (or one length) into the n-gram lengths {@code {min, max}}. */
    static int[] gramRange(String text) {
        String[] ends = text.split("-", -1);
        try {
            int[] range = {Integer.parseInt(ends[0].trim()), Integer.parseInt(ends[ends.length - 1].trim())};
            if (ends.length <= 2 && range[0] >= 1 && range[1] >= range[0]) {
                return range;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("--grams must be MIN-MAX with 1 <= MIN <= MAX (e.g. 3-5) or one length; got '" + text + "'");
    }

    /** The same fitted channel with another share of the cosine from n-grams. */
    public LexicalChannel withGramShare(double share) {
        return new LexicalChannel(weighting, wordBuckets, gramBuckets, minGram, maxGram, share, idf, meanLengths);
    }

    public double gramShare() {
        return gramShare;
    }

    /** Columns of the dense form: {@code wordBuckets + gramBuckets}. */
    public int dimension() {
        return wordBuckets + gramBuckets;
    }

    /** Occurrences of each column in the sentence: its words' buckets, then their n-grams' buckets. */
    private Map<Integer, Integer> counts(String sentence) {
        Map<Integer, Integer> counts = new TreeMap<>();
        for (String word : Vocabulary.words(sentence)) {
            counts.merge(Math.floorMod(Vocabulary.fnv1a(word), wordBuckets), 1, Integer::sum);
            String marked = "<" + word + ">";
            for (int n = minGram; n <= maxGram; n++) {
                for (int start = 0; start + n <= marked.length(); start++) {
                    int bucket = Math.floorMod(Vocabulary.fnv1a(marked.substring(start, start + n)), gramBuckets);
                    counts.merge(wordBuckets + bucket, 1, Integer::sum);
                }
            }
        }
        return counts;
    }

    /** The sentence's unit-length lexical vector (zero for a sentence without words). */
    public SparseRow row(String sentence) {
        Map<Integer, Integer> counts = counts(sentence);
        double[] partLengths = new double[2];
        counts.forEach((column, count) -> partLengths[column < wordBuckets ? 0 : 1] += count);
        int[] columns = new int[counts.size()];
        double[] values = new double[counts.size()];
        double[] squares = new double[2];
        int i = 0;
        for (Map.Entry<Integer, Integer> count : counts.entrySet()) {
            int column = count.getKey();
            int part = column < wordBuckets ? 0 : 1;
            double tf = count.getValue();
            double weight = weighting == Weighting.TFIDF ? 1 + Math.log(tf)
                    : tf * (Bm25.K1 + 1) / (tf + Bm25.K1 * (1 - Bm25.B + Bm25.B * partLengths[part] / meanLengths[part]));
            columns[i] = column;
            values[i] = weight * idf[column];
            squares[part] += values[i] * values[i];
            i++;
        }
        double[] scale = {Math.sqrt((1 - gramShare) / Math.max(squares[0], 1e-300)), Math.sqrt(gramShare / Math.max(squares[1], 1e-300))};
        for (int j = 0; j < columns.length; j++) {
            values[j] *= scale[columns[j] < wordBuckets ? 0 : 1];
        }
        return new SparseRow(columns, values);
    }

    /** The unit-length vectors as dense rows {@code [n, dimension()]} (float). */
    public INDArray dense(List<String> sentences) {
        float[] rows = new float[sentences.size() * dimension()];
        for (int s = 0; s < sentences.size(); s++) {
            SparseRow row = row(sentences.get(s));
            for (int j = 0; j < row.columns().length; j++) {
                rows[s * dimension() + row.columns()[j]] = (float) row.values()[j];
            }
        }
        return Nd4j.create(rows, new long[]{sentences.size(), dimension()}, 'c');
    }

    /**
     * The vectors of several groups of sentences restricted to the columns any of them uses ({@code [n_g, u]} float
     * each, the same u columns in the same order): dot products, and so cosines, are those of the full vectors.
     */
    public List<INDArray> restricted(List<List<String>> groups) {
        List<List<SparseRow>> rows = groups.stream().map(g -> g.stream().map(this::row).toList()).toList();
        Map<Integer, Integer> used = new HashMap<>();
        rows.forEach(g -> g.forEach(r -> Arrays.stream(r.columns()).forEach(c -> used.putIfAbsent(c, used.size()))));
        int u = Math.max(1, used.size());
        return rows.stream().map(g -> {
            float[] values = new float[g.size() * u];
            for (int s = 0; s < g.size(); s++) {
                SparseRow row = g.get(s);
                for (int j = 0; j < row.columns().length; j++) {
                    values[s * u + used.get(row.columns()[j])] = (float) row.values()[j];
                }
            }
            return Nd4j.create(values, new long[]{g.size(), u}, 'c');
        }).toList();
    }

    /** Cosines {@code [n, m]} (double) of every query with every candidate, from an inverted index of the candidates. */
    public INDArray cosines(List<String> queries, List<String> candidates) {
        Map<Integer, List<double[]>> postings = new HashMap<>();   // column -> (candidate, value)
        for (int c = 0; c < candidates.size(); c++) {
            SparseRow row = row(candidates.get(c));
            for (int j = 0; j < row.columns().length; j++) {
                postings.computeIfAbsent(row.columns()[j], k -> new ArrayList<>()).add(new double[]{c, row.values()[j]});
            }
        }
        double[] scores = new double[queries.size() * candidates.size()];
        for (int q = 0; q < queries.size(); q++) {
            SparseRow row = row(queries.get(q));
            for (int j = 0; j < row.columns().length; j++) {
                for (double[] posting : postings.getOrDefault(row.columns()[j], List.of())) {
                    scores[q * candidates.size() + (int) posting[0]] += row.values()[j] * posting[1];
                }
            }
        }
        return Nd4j.create(scores, new long[]{queries.size(), candidates.size()}, 'c').castTo(DataType.DOUBLE);
    }

    public void write(Path file) throws IOException {
        JSON.writeValue(file.toFile(), this);
    }

    public static LexicalChannel read(Path file) throws IOException {
        return JSON.readValue(file.toFile(), LexicalChannel.class);
    }

    @Override
    public String toString() {
        return weighting + " words (" + wordBuckets + " buckets) + " + minGram + "-" + maxGram + "-grams (" + gramBuckets
                + " buckets, share " + gramShare + ")";
    }
}
