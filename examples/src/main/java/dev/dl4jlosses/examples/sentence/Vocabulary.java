package dev.dl4jlosses.examples.sentence;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.shade.jackson.annotation.JsonCreator;
import org.nd4j.shade.jackson.annotation.JsonProperty;
import org.nd4j.shade.jackson.databind.ObjectMapper;
import org.nd4j.shade.jackson.databind.SerializationFeature;

/**
 * Tokenisation, fastText-style: a sentence is lower-cased and split into words (runs of letters, digits and
 * apostrophes); each word is represented by up to {@code slots} embedding rows, its own (if it is in the vocabulary)
 * and those of hashed character {@code n}-grams of {@code <word>} (so a word never seen in training still gets a
 * vector from its spelling). Embedding rows: {@code 0 .. words - 1} the vocabulary, then {@code buckets} n-gram
 * buckets. Saved as JSON next to the exported encoder.
 *
 * <p>A batch of sentences is encoded as two matrices (see {@link TokenBatch}) rather than an index array, because
 * M2.1's {@code gather} has no usable backward pass (it assigns instead of adding when an index repeats, and fails
 * on inputs of unknown shape); the encoder forms words and tokens by matrix products, whose backward is exact.
 */
public final class Vocabulary {

    private static final Pattern NOT_WORD = Pattern.compile("[^\\p{L}\\p{N}']+");
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @JsonProperty("words")
    private final List<String> words;
    @JsonProperty("buckets")
    private final int buckets;
    @JsonProperty("ngram")
    private final int ngram;
    @JsonProperty("slots")
    private final int slots;
    @JsonProperty("maxTokens")
    private final int maxTokens;

    private final Map<String, Integer> ids = new HashMap<>();

    /**
     * @param words     the vocabulary (row {@code i} is word {@code i})
     * @param buckets   hashed n-gram rows
     * @param ngram     characters per n-gram
     * @param slots     rows per word: 1 for the word, {@code slots - 1} for its n-grams (evenly spaced if more)
     * @param maxTokens words kept per sentence (longer ones are truncated)
     */
    @JsonCreator
    public Vocabulary(@JsonProperty("words") List<String> words, @JsonProperty("buckets") int buckets, @JsonProperty("ngram") int ngram,
                      @JsonProperty("slots") int slots, @JsonProperty("maxTokens") int maxTokens) {
        if (buckets < 1 || ngram < 1 || slots < 1 || maxTokens < 1) {
            throw new IllegalArgumentException("vocabulary needs buckets, ngram, slots and maxTokens >= 1; got "
                    + buckets + ", " + ngram + ", " + slots + ", " + maxTokens);
        }
        this.words = List.copyOf(words);
        this.buckets = buckets;
        this.ngram = ngram;
        this.slots = slots;
        this.maxTokens = maxTokens;
        for (int i = 0; i < this.words.size(); i++) {
            ids.put(this.words.get(i), i);
        }
    }

    /** The words occurring at least {@code minCount} times in {@code sentences}, most frequent first. */
    public static Vocabulary build(Collection<String> sentences, int minCount, int buckets, int ngram, int slots, int maxTokens) {
        Map<String, Integer> counts = new TreeMap<>();
        for (String sentence : sentences) {
            for (String word : words(sentence)) {
                counts.merge(word, 1, Integer::sum);
            }
        }
        List<String> kept = new ArrayList<>(counts.keySet().stream().filter(w -> counts.get(w) >= minCount).toList());
        kept.sort((a, b) -> Integer.compare(counts.get(b), counts.get(a)));
        return new Vocabulary(kept, buckets, ngram, slots, maxTokens);
    }

    public static List<String> words(String sentence) {
        return Arrays.stream(NOT_WORD.split(sentence.toLowerCase(Locale.ROOT))).filter(w -> !w.isEmpty()).toList();
    }

    /** Embedding rows: the vocabulary, then the n-gram buckets. */
    public int rows() {
        return words.size() + buckets;
    }

    public int size() {
        return words.size();
    }

    public int maxTokens() {
        return maxTokens;
    }

    public boolean contains(String word) {
        return ids.containsKey(word);
    }

    /** The sentences as the encoder's two inputs (see {@link TokenBatch}); words beyond {@code maxTokens} are dropped. */
    public TokenBatch encode(List<String> sentences) {
        Map<String, Integer> wordColumn = new LinkedHashMap<>();
        int[] tokenWord = new int[sentences.size() * maxTokens];
        Arrays.fill(tokenWord, -1);
        for (int s = 0; s < sentences.size(); s++) {
            List<String> tokens = words(sentences.get(s));
            for (int t = 0; t < Math.min(tokens.size(), maxTokens); t++) {
                tokenWord[s * maxTokens + t] = wordColumn.computeIfAbsent(tokens.get(t), w -> wordColumn.size());
            }
        }
        int words = wordColumn.size();
        float[] average = new float[words * rows()];
        int w = 0;
        for (String word : wordColumn.keySet()) {
            int[] rows = rowsOf(word);
            for (int row : rows) {
                average[w * rows() + row] += 1f / rows.length;
            }
            w++;
        }
        float[] oneHot = new float[tokenWord.length * words];
        for (int t = 0; t < tokenWord.length; t++) {
            if (tokenWord[t] >= 0) {
                oneHot[t * words + tokenWord[t]] = 1;
            }
        }
        return new TokenBatch(Nd4j.create(average, new long[]{words, rows()}, 'c'), Nd4j.create(oneHot, new long[]{tokenWord.length, words}, 'c'));
    }

    /** The embedding rows of one word: its vocabulary row (if any), then its n-gram buckets. */
    int[] rowsOf(String word) {
        Integer id = ids.get(word);
        String marked = "<" + word + ">";
        int grams = Math.max(1, marked.length() - ngram + 1);
        int gramSlots = Math.min(grams, id == null ? slots : slots - 1);
        int[] rows = new int[(id == null ? 0 : 1) + gramSlots];
        int next = 0;
        if (id != null) {
            rows[next++] = id;
        }
        for (int g = 0; g < gramSlots; g++) {
            int start = (int) ((long) g * grams / gramSlots);
            String gram = marked.substring(start, Math.min(marked.length(), start + ngram));
            rows[next++] = words.size() + Math.floorMod(fnv1a(gram), buckets);
        }
        return rows;
    }

    /** FNV-1a over the UTF-8 bytes: a stable hash (unlike String.hashCode, not tied to the JVM's choice). */
    static int fnv1a(String text) {
        int hash = 0x811c9dc5;
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            hash ^= b & 0xff;
            hash *= 0x01000193;
        }
        return hash;
    }

    public void write(Path file) throws IOException {
        JSON.writeValue(file.toFile(), this);
    }

    public static Vocabulary read(Path file) throws IOException {
        return JSON.readValue(file.toFile(), Vocabulary.class);
    }
}
