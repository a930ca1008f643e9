package dev.dl4jlosses.examples.sentence;

import java.util.Map;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A batch of {@code n} sentences as the encoder's inputs: each of its {@code u} distinct words as averaging weights
 * over the embedding table's rows, and each token position as a one-hot choice of word (a zero row for padding).
 *
 * @param words  {@code [u, rows]} each word's weights over the table (1/k on its k rows, see {@link Vocabulary})
 * @param tokens {@code [n · T, u]} one-hot word of every token position, sentence-major
 */
public record TokenBatch(INDArray words, INDArray tokens) {

    public static String wordsInput(String input) {
        return input + "_words";
    }

    public static String tokensInput(String input) {
        return input + "_tokens";
    }

    /** The placeholder values of encoder input {@code input}, cast to {@code type}. */
    public Map<String, INDArray> feed(String input, DataType type) {
        return Map.of(wordsInput(input), words.castTo(type), tokensInput(input), tokens.castTo(type));
    }
}
