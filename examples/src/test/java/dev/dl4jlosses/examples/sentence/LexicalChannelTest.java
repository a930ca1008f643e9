package dev.dl4jlosses.examples.sentence;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;

/** The lexical channel, its fusion with the dense encoder (in the exported embedding and in the loss) and its export. */
class LexicalChannelTest {

    private static final List<String> CORPUS = List.of("the doctor bought a car", "a physician purchased an automobile",
            "the teacher sold the house", "an instructor sold a home in town", "the doctor sold a car yesterday",
            "the cat sat on the mat", "a dog ran in the park");
    private static final List<String> QUERIES = List.of("the doctor bought a car", "teachers sell houses", "zyxw qvok", "a dog");
    private static final List<String> CANDIDATES = List.of("a physician purchased an automobile", "the teacher sold the house",
            "zyxw", "the dogs ran", "unrelated words entirely");

    @TempDir
    Path dir;

    private static LexicalChannel channel(LexicalChannel.Weighting weighting, double gramShare) {
        return LexicalChannel.fit(CORPUS, weighting, 97, 89, 3, 5, gramShare);
    }

    @Test
    void rowsAreUnitLengthAndTheCosineMixesWordAndNgramCosines() {
        for (LexicalChannel.Weighting weighting : LexicalChannel.Weighting.values()) {
            INDArray words = channel(weighting, 0).cosines(QUERIES, CANDIDATES);
            INDArray grams = channel(weighting, 1).cosines(QUERIES, CANDIDATES);
            INDArray mixed = channel(weighting, 0.3).cosines(QUERIES, CANDIDATES);
            assertTrue(mixed.equalsWithEps(words.mul(0.7).add(grams.mul(0.3)), 1e-12), weighting + ": " + mixed);
            INDArray self = channel(weighting, 0.3).cosines(QUERIES, QUERIES);
            for (int i = 0; i < QUERIES.size(); i++) {
                assertEquals(1, self.getDouble(i, i), 1e-12, weighting + ": unit length");
            }
            // a word seen in no training sentence still matches itself, and shared spelling ("dog" in "dogs") counts
            assertTrue(words.getDouble(2, 2) > 0.5, weighting + ": unseen word " + words);
            assertTrue(grams.getDouble(3, 3) > 0.1, weighting + ": " + grams);
        }
    }

    @Test
    void denseAndRestrictedRowsHaveTheSparseDotProducts() {
        LexicalChannel lexical = channel(LexicalChannel.Weighting.BM25, 0.5);
        INDArray sparse = lexical.cosines(QUERIES, CANDIDATES);
        INDArray dense = lexical.dense(QUERIES).castTo(DataType.DOUBLE).mmul(lexical.dense(CANDIDATES).castTo(DataType.DOUBLE).transpose());
        assertTrue(sparse.equalsWithEps(dense, 1e-6), sparse + " vs " + dense);
        List<INDArray> restricted = lexical.restricted(List.of(QUERIES, CANDIDATES));
        assertEquals(restricted.get(0).columns(), restricted.get(1).columns());
        assertTrue(restricted.get(0).columns() < lexical.dimension(), "only the columns in use");
        INDArray fromRestricted = restricted.get(0).castTo(DataType.DOUBLE).mmul(restricted.get(1).castTo(DataType.DOUBLE).transpose());
        assertTrue(sparse.equalsWithEps(fromRestricted, 1e-6), sparse + " vs " + fromRestricted);
    }

    @Test
    void theFusedEmbeddingsCosineIsTheWeightedSumAndSurvivesTheExport() throws Exception {
        Vocabulary vocabulary = Vocabulary.build(CORPUS, 1, 31, 3, 4, 8);
        Nd4j.getRandom().setSeed(5);
        SentenceEncoder encoder = SentenceEncoder.forVocabulary(SentenceEncoder.Architecture.BAG, vocabulary, 8, 1, 1, 6);
        LexicalChannel lexical = channel(LexicalChannel.Weighting.TFIDF, 0.5);
        ExportedEncoder fused = new ExportedEncoder(encoder.inferenceGraph(DataType.FLOAT), vocabulary, lexical, 0.3);

        INDArray embeddings = fused.embed(CANDIDATES);
        assertEquals(lexical.dimension() + 6, embeddings.columns());
        INDArray cosines = SentenceMetrics.unitRows(fused.embed(QUERIES)).mmul(SentenceMetrics.unitRows(embeddings).transpose());
        INDArray weighted = lexical.cosines(QUERIES, CANDIDATES).mul(0.7).add(fused.denseSimilarities(QUERIES, CANDIDATES).mul(0.3));
        assertTrue(cosines.equalsWithEps(weighted, 1e-5), cosines + " vs " + weighted);
        assertTrue(fused.similarities(QUERIES, CANDIDATES).equalsWithEps(weighted, 1e-12));
        assertTrue(fused.withDenseWeight(0).similarities(QUERIES, CANDIDATES).equalsWithEps(lexical.cosines(QUERIES, CANDIDATES), 1e-12));

        fused.save(dir);
        ExportedEncoder reloaded = ExportedEncoder.load(dir);
        assertEquals(0.3, reloaded.denseWeight());
        assertTrue(reloaded.embed(CANDIDATES).equalsWithEps(embeddings, 1e-6), "the export reproduces the embeddings");
        assertTrue(reloaded.similarities(QUERIES, CANDIDATES).equalsWithEps(weighted, 1e-5));

        new ExportedEncoder(encoder.inferenceGraph(DataType.FLOAT), vocabulary).save(dir);
        assertTrue(!Files.exists(dir.resolve(ExportedEncoder.LEXICAL)) && !ExportedEncoder.load(dir).hasLexicalChannel(),
                "a dense-only export leaves no lexical channel behind");
    }

    /** The first step's loss is symmetric InfoNCE (plus hard negatives) on the fused cosines, computed here by hand. */
    @Test
    void theLossSeesTheFusedCosines() {
        List<ParaphraseCorpus.Pair> batch = List.of(new ParaphraseCorpus.Pair(CORPUS.get(0), CORPUS.get(1), CORPUS.get(4)),
                new ParaphraseCorpus.Pair(CORPUS.get(2), CORPUS.get(3), CORPUS.get(5)),
                new ParaphraseCorpus.Pair(CORPUS.get(6), "a dog in a park", "a cat on a mat"));
        Vocabulary vocabulary = Vocabulary.build(CORPUS, 1, 31, 3, 4, 8);
        LexicalChannel lexical = channel(LexicalChannel.Weighting.TFIDF, 0.5);
        double tau = 0.2;
        double denseWeight = 0.4;
        for (SentenceEncoder.Architecture architecture : SentenceEncoder.Architecture.values()) {
            Nd4j.getRandom().setSeed(9);
            SentenceEncoder encoder = SentenceEncoder.forVocabulary(architecture, vocabulary, 8, 2, 8, 6);
            SentenceTrainer trainer = SentenceTrainer.create(encoder, vocabulary, lexical, denseWeight, true, tau, false, 0, 0, new Sgd(0.5));
            assertEquals(denseWeight, trainer.denseWeight(), 1e-6);
            ExportedEncoder fused = new ExportedEncoder(trainer.inferenceGraph(), vocabulary, lexical, denseWeight);
            List<String> anchors = batch.stream().map(ParaphraseCorpus.Pair::anchor).toList();
            List<String> keys = new ArrayList<>(batch.stream().map(ParaphraseCorpus.Pair::positive).toList());
            keys.addAll(batch.stream().map(ParaphraseCorpus.Pair::negative).toList());
            INDArray forward = fused.similarities(anchors, keys).div(tau);                      // [3, 6]
            INDArray backward = fused.similarities(keys.subList(0, 3), anchors).div(tau);       // [3, 3]
            double expected = (crossEntropy(forward) + crossEntropy(backward)) / 2;
            double loss = trainer.fit(batch, null);
            assertEquals(expected, loss, 1e-4 * expected, architecture + ": loss");
            assertTrue(Math.abs(trainer.denseWeight() - denseWeight) > 1e-5, architecture + ": the dense weight is learnt");
        }
    }

    /** Mean over rows of −log softmax(row)[i]: row i's answer is column i. */
    private static double crossEntropy(INDArray logits) {
        double total = 0;
        for (int i = 0; i < logits.rows(); i++) {
            double max = logits.getRow(i).maxNumber().doubleValue();
            double sum = 0;
            for (int j = 0; j < logits.columns(); j++) {
                sum += Math.exp(logits.getDouble(i, j) - max);
            }
            total += Math.log(sum) + max - logits.getDouble(i, i);
        }
        return total / logits.rows();
    }

    @Test
    void badSettingsAreNamed() throws Exception {
        assertEquals("--grams must be MIN-MAX with 1 <= MIN <= MAX (e.g. 3-5) or one length; got '5-3'",
                assertThrows(IllegalArgumentException.class, () -> LexicalChannel.gramRange("5-3")).getMessage());
        assertArrayEquals(new int[]{4, 4}, LexicalChannel.gramRange("4"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new LexicalChannel(LexicalChannel.Weighting.TFIDF, 4, 4, 3, 5, 0.5,
                new double[7], new double[]{1, 1})).getMessage().contains("one idf per bucket"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> LexicalChannel.fit(List.of(), LexicalChannel.Weighting.BM25,
                4, 4, 3, 5, 0.5)).getMessage().contains("at least one sentence"));
        Vocabulary vocabulary = Vocabulary.build(CORPUS, 1, 31, 3, 4, 8);
        SentenceEncoder encoder = SentenceEncoder.forVocabulary(SentenceEncoder.Architecture.BAG, vocabulary, 8, 1, 1, 6);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new ExportedEncoder(encoder.inferenceGraph(DataType.FLOAT), vocabulary,
                channel(LexicalChannel.Weighting.TFIDF, 0.5), 1.5)).getMessage().contains("dense weight must be in [0, 1]"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SentenceTrainer.create(encoder, vocabulary,
                channel(LexicalChannel.Weighting.TFIDF, 0.5), 0.3, false, 0.05, false, 16, 0, new Sgd(0.1))).getMessage()
                .contains("cannot be combined with the lexical channel"));
        new ExportedEncoder(encoder.inferenceGraph(DataType.FLOAT), vocabulary).save(dir);
        Files.writeString(dir.resolve(ExportedEncoder.LEXICAL), "{\"channel\": {}}");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ExportedEncoder.load(dir)).getMessage().contains("expected {\"denseWeight\""));
    }
}
