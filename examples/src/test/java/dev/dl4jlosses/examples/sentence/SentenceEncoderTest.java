package dev.dl4jlosses.examples.sentence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The encoder's ops (gather, batched matmul, softmax, layer norm, masking, dropout masks) differentiate correctly in M2.1. */
class SentenceEncoderTest {

    private static final Vocabulary VOCABULARY = new Vocabulary(List.of("the", "doctor", "bought", "a", "car"), 7, 3, 3, 6);
    private static final List<String> SENTENCES = List.of("the doctor bought a car the car", "a car", "the physician purchased");

    /**
     * Central differences against SameDiff's gradient for up to 30 entries of every weight, float64. (GradCheckUtil
     * of M2.1 cannot be used: it fails on floating-point placeholders, which the encoder's inputs are.)
     */
    @Test
    void gradientMatchesFiniteDifferencesForEveryWeight() {
        DataType before = Nd4j.defaultFloatingPointType();
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        try {
            Nd4j.getRandom().setSeed(7);
            SentenceEncoder encoder = SentenceEncoder.forVocabulary(VOCABULARY, 4, 2, 6, 3);
            SameDiff sd = SameDiff.create();
            SDVariable z = encoder.encode(sd, "in", "z", true, DataType.DOUBLE);
            sd.setLossVariables(sd.sum("loss", sd.math.tanh(z).mul(sd.constant(Nd4j.randn(DataType.DOUBLE, 3, 3))), true, 0, 1));
            Map<String, INDArray> feed = new HashMap<>(VOCABULARY.encode(SENTENCES).feed("in", DataType.DOUBLE));
            feed.put(SentenceEncoder.embeddingDropout("in"), Nd4j.rand(DataType.DOUBLE, 3, 6, 4).gt(0.2).castTo(DataType.DOUBLE).muli(1.25));
            feed.put(SentenceEncoder.ffnDropout("in"), Nd4j.rand(DataType.DOUBLE, 3, 6, 6).gt(0.2).castTo(DataType.DOUBLE).muli(1.25));

            List<String> weights = new ArrayList<>();
            sd.variables().stream().filter(v -> v.getVariableType() == VariableType.VARIABLE).forEach(v -> weights.add(v.name()));
            assertEquals(22, weights.size(), "weights: " + weights);
            Map<String, INDArray> gradients = sd.calculateGradients(feed, weights);
            for (String name : weights) {
                INDArray flat = sd.getVariable(name).getArr().reshape(-1);
                INDArray gradient = gradients.get(name).reshape(-1);
                double largest = 0;
                for (int i = 0; i < Math.min(flat.length(), 30); i++) {
                    double original = flat.getDouble(i);
                    flat.putScalar(i, original + 1e-6);
                    double up = sd.output(feed, "loss").get("loss").getDouble(0);
                    flat.putScalar(i, original - 1e-6);
                    double down = sd.output(feed, "loss").get("loss").getDouble(0);
                    flat.putScalar(i, original);
                    double numeric = (up - down) / 2e-6;
                    largest = Math.max(largest, Math.abs(numeric));
                    assertEquals(numeric, gradient.getDouble(i), 1e-6 + 1e-5 * Math.abs(numeric), name + "[" + i + "]");
                }
                // a weight whose gradient is all zero here would make the check vacuous (attention_k_b is the
                // exception: a bias on the keys shifts every logit of a row equally, which softmax ignores)
                assertTrue(largest > 1e-4 || name.equals("attention_k_b"), name + " has no gradient");
            }
        } finally {
            Nd4j.setDefaultDataTypes(before, before);
        }
    }

    @Test
    void embeddingIgnoresPaddingAndBatchNeighbours() {
        Nd4j.getRandom().setSeed(3);
        SameDiff sd = SentenceEncoder.forVocabulary(VOCABULARY, 8, 2, 16, 4).inferenceGraph(DataType.FLOAT);
        INDArray alone = embed(sd, List.of("the doctor"));
        INDArray withOthers = embed(sd, List.of("a car bought the physician", "the doctor"));
        assertTrue(alone.getRow(0).equalsWithEps(withOthers.getRow(1), 1e-5), alone + " vs " + withOthers);
        assertTrue(alone.getRow(0).sub(withOthers.getRow(0)).amaxNumber().doubleValue() > 1e-3, "different sentences differ");
    }

    private static INDArray embed(SameDiff sd, List<String> sentences) {
        return sd.output(VOCABULARY.encode(sentences).feed(SentenceEncoder.TOKENS, DataType.FLOAT), SentenceEncoder.EMBEDDING)
                .get(SentenceEncoder.EMBEDDING);
    }
}
