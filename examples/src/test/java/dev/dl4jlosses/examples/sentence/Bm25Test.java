package dev.dl4jlosses.examples.sentence;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/** BM25 against scores worked out by hand. */
class Bm25Test {

    /*
     * Corpus "cat dog", "cat", "dog dog fish": N = 3, lengths 2, 1, 3, so avgdl = 2; df(cat) = df(dog) = 2, df(fish) = 1,
     * and zebra (known from the evaluation text only) has df 0:
     *   idf(cat) = idf(dog) = ln(1 + (3 - 2 + 0.5) / (2 + 0.5)) = ln 1.6
     *   idf(fish)           = ln(1 + (3 - 1 + 0.5) / (1 + 0.5)) = ln(8/3)
     *   idf(zebra)          = ln(1 + (3 - 0 + 0.5) / (0 + 0.5)) = ln 8
     * Length term k1 (1 - b + b |c| / avgdl) = 1.2 (0.25 + 0.375 |c|): 0.75 for |c| = 1, 1.2 for |c| = 2, 1.65 for |c| = 3.
     * Term weight tf (k1 + 1) / (tf + length term), with k1 + 1 = 2.2.
     */
    private static final double CAT = Math.log(1.6);
    private static final double FISH = Math.log(8.0 / 3);
    private static final double ZEBRA = Math.log(8);

    private final Bm25 bm25 = new Bm25(List.of("cat dog", "cat", "dog dog fish"), List.of("zebra"));

    @Test
    void scoresEveryQueryAgainstEveryCandidate() {
        INDArray scores = bm25.scores(List.of("cat fish", "dog dog zebra", "unicorn"), List.of("cat", "dog dog fish", "zebra dog"));
        double[][] expected = {
            // "cat fish": cat in "cat" (|c| = 1); fish in "dog dog fish" (|c| = 3); nothing in "zebra dog"
            {CAT * 2.2 / (1 + 0.75), FISH * 2.2 / (1 + 1.65), 0},
            // "dog dog zebra": dog counts twice; "dog dog fish" has tf(dog) = 2; "zebra dog" (|c| = 2) has both words once
            {0, 2 * CAT * 2 * 2.2 / (2 + 1.65), 2 * CAT * 2.2 / (1 + 1.2) + ZEBRA * 2.2 / (1 + 1.2)},
            // a word known neither from the corpus nor from the evaluation text scores nothing
            {0, 0, 0},
        };
        for (int q = 0; q < expected.length; q++) {
            assertArrayEquals(expected[q], scores.getRow(q).toDoubleVector(), 1e-12, "query " + q);
        }
    }

    @Test
    void aPairScoresTheMeanOfBothDirections() {
        // "cat fish" -> "cat": CAT * 2.2 / 1.75; "cat" -> "cat fish" (|c| = 2): CAT * 2.2 / (1 + 1.2) = CAT
        INDArray pair = bm25.pairScores(List.of("cat fish", "fish"), List.of("cat", "fish"));
        // "fish" against itself (|c| = 1) both ways: FISH * 2.2 / 1.75
        assertArrayEquals(new double[]{(CAT * 2.2 / 1.75 + CAT) / 2, FISH * 2.2 / 1.75}, pair.toDoubleVector(), 1e-12);
    }
}
