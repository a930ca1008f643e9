package dev.dl4jlosses.examples.sentence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Retrieval (from embeddings and from scores), Spearman, TF-IDF and the vocabulary on small hand-checked cases. */
class SentenceMetricsTest {

    @TempDir
    Path dir;

    @Test
    void retrievalRanksTheAnswerAmongCandidatesAndDistractors() {
        INDArray queries = Nd4j.createFromArray(new double[][]{{1, 0}, {0, 1}, {1, 1}});
        INDArray candidates = Nd4j.createFromArray(new double[][]{{1, 0.1}, {1, 0}, {1, 1.2}});
        // query 0: answer (1, 0.1) beaten by candidate 1 (1, 0): rank 1; query 1: answer (1, 0) beaten by both other
        // candidates and the distractor: rank 3; query 2: answer (1, 1.2) beaten by the distractor (1, 1) only: rank 1
        SentenceMetrics.Retrieval r = SentenceMetrics.retrieval(queries, candidates, Nd4j.createFromArray(new double[][]{{1, 1}}));
        assertEquals(0, r.recallAt1(), 1e-12);
        assertEquals(1, r.recallAt10(), 1e-12);
        assertEquals((0.5 + 0.25 + 0.5) / 3, r.mrr(), 1e-12);
        assertEquals(1.0 / 3, SentenceMetrics.retrieval(queries, candidates, null).recallAt1(), 1e-12, "only query 2 first without the distractor");
    }

    @Test
    void retrievalFromScoresRanksEachRowsAnswerColumnWithTiesInItsFavour() {
        // 3 queries, answers in columns 0, 1, 2, one distractor in column 3
        INDArray scores = Nd4j.createFromArray(new double[][]{
            {3, 5, 1, 0},   // answer 3 beaten by 5: rank 1
            {2, 2, 1, 4},   // answer 2 ties with column 0 (in its favour), beaten by the distractor: rank 1
            {0, 1, 7, 7},   // answer 7 ties with the distractor: rank 0
        });
        SentenceMetrics.Retrieval r = SentenceMetrics.retrieval(scores);
        assertEquals(1.0 / 3, r.recallAt1(), 1e-12);
        assertEquals(1, r.recallAt10(), 1e-12);
        assertEquals((0.5 + 0.5 + 1) / 3, r.mrr(), 1e-12);
    }

    @Test
    void spearmanUsesAverageRanksForTies() {
        assertEquals(List.of(1.5, 1.5, 3.0, 4.0), toList(SentenceMetrics.ranks(Nd4j.createFromArray(2.0, 2.0, 5.0, 7.0))));
        assertEquals(1, SentenceMetrics.spearman(Nd4j.createFromArray(1.0, 2.0, 3.0, 4.0), Nd4j.createFromArray(1.0, 4.0, 9.0, 16.0)), 1e-12);
        assertEquals(-1, SentenceMetrics.spearman(Nd4j.createFromArray(1.0, 2.0, 3.0), Nd4j.createFromArray(3.0, 2.0, 1.0)), 1e-12);
        // ranks (1, 2, 3, 4) and (1.5, 1.5, 3.5, 3.5): Pearson of the ranks
        assertEquals(2 * Math.sqrt(5) / 5, SentenceMetrics.spearman(Nd4j.createFromArray(1.0, 2.0, 3.0, 4.0), Nd4j.createFromArray(0.0, 0.0, 1.0, 1.0)), 1e-12);
    }

    @Test
    void tfidfWeighsRareWordsHigher() {
        BagOfWords bow = new BagOfWords(List.of("the cat", "the dog", "the bird"), List.of("zebra"));
        INDArray v = bow.vectors(List.of("the cat zebra"));
        double the = Math.log(4.0 / 4) + 1;
        double cat = Math.log(4.0 / 2) + 1;
        double zebra = Math.log(4.0 / 1) + 1;
        assertEquals(List.of(the, cat, 0.0, 0.0, zebra), toList(v.getRow(0)));
    }

    @Test
    void unseenWordsGetCharacterNgramRowsAndTheVocabularyRoundTrips() throws Exception {
        Vocabulary vocabulary = Vocabulary.build(List.of("The car, the CAR!", "a bike"), 2, 50, 3, 4, 5);
        assertEquals(List.of("car", "the"), List.of(vocabulary.contains("car") ? "car" : "-", vocabulary.contains("the") ? "the" : "-"));
        assertEquals(2, vocabulary.size(), "bike and a occur once");
        int[] known = vocabulary.rowsOf("car");
        int[] unknown = vocabulary.rowsOf("cars");
        assertTrue(known[0] <= 1 && known.length == 4, "word row then 3 n-grams of <car>");
        assertTrue(unknown.length == 4 && unknown[0] > 1, "n-grams only");
        assertEquals(known[1], unknown[0], "<ca is shared");
        vocabulary.write(dir.resolve("v.json"));
        Vocabulary read = Vocabulary.read(dir.resolve("v.json"));
        TokenBatch a = vocabulary.encode(List.of("the cars", "a car car car car car car"));
        TokenBatch b = read.encode(List.of("the cars", "a car car car car car car"));
        assertEquals(a.words(), b.words());
        assertEquals(a.tokens(), b.tokens());
        assertEquals(10, a.tokens().rows(), "2 sentences x 5 tokens, the longer one truncated");
        assertEquals(4, a.tokens().sumNumber().intValue() - 3, "2 + 5 tokens present");
        assertNotEquals(0, a.words().sumNumber().doubleValue());
    }

    private static List<Double> toList(INDArray x) {
        return java.util.Arrays.stream(x.toDoubleVector()).boxed().toList();
    }
}
