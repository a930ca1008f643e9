package dev.dl4jlosses.lossfunctions;

import static dev.dl4jlosses.testing.Assertions.assertMessage;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dl4jlosses.core.eager.Blocking;
import dev.dl4jlosses.core.eager.CrossEvaluator;
import dev.dl4jlosses.core.math.SoftmaxCrossEntropyKernel;
import dev.dl4jlosses.options.HardNegatives;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Each kind of bad input gives an IllegalArgumentException that names the problem and the shapes. */
class BadInputTest {

    private static final ActivationIdentity IDENTITY = new ActivationIdentity();
    private static final INDArray Z = Nd4j.rand(DataType.FLOAT, 6, 4);
    private static final INDArray IDS = Nd4j.createFromArray(0f, 1, 2, 0, 1, 2).reshape(6, 1);

    @Test
    void hyperParameters() {
        assertMessage(() -> new LossNTXent(0), "temperature", "0.0");
        assertMessage(() -> new LossSupCon(-0.1), "temperature", "-0.1");
        assertMessage(() -> new LossInfoNCE(Double.NaN), "temperature", "NaN");
        assertMessage(() -> new LossCircle(0.25, 0), "gamma", "0.0");
        assertMessage(() -> new LossCircle(1.0, 256), "margin", "[0.0, 1.0)", "1.0");
        assertMessage(() -> new LossCircle(-0.1, 256), "margin", "-0.1");
        assertMessage(() -> LossNTXent.builder().memoryBudgetBytes(0).build(), "memoryBudgetBytes");
        assertMessage(() -> LossNTXent.builder().blockRows(-1).build(), "blockRows");
        assertMessage(() -> new LossSimple(0), "lambda", "0.0");
        assertMessage(() -> LossDCL.builder().sigma(-1).build(), "sigma", "-1.0");
        assertMessage(() -> LossDebiasedContrastive.builder().tauPlus(1).build(), "tauPlus", "1.0");
        assertMessage(() -> LossMultiSimilarity.builder().base(Double.NaN).build(), "base", "NaN");
        assertMessage(() -> HardNegatives.topK(0), "k", "0");
        assertMessage(() -> HardNegatives.topFraction(1.5), "fraction", "1.5");
        assertMessage(() -> HardNegatives.threshold(Double.POSITIVE_INFINITY), "threshold", "Infinity");
    }

    @Test
    void labelsThatDoNotMatchTheRows() {
        assertMessage(() -> new LossNTXent().computeScore(Nd4j.zeros(5, 1), Z, IDENTITY, null, true), "labels", "6", "[5, 1]", "[6, 4]");
        assertMessage(() -> new LossSupCon().computeGradient(Nd4j.zeros(6, 2), Z, IDENTITY, null), "labels", "[6, 2]");
        assertMessage(() -> new LossCircle().computeScoreArray(null, Z, IDENTITY, null), "labels", "null");
    }

    @Test
    void embeddingsThatAreNotFiniteMatrices() {
        INDArray withNaN = Z.dup();
        withNaN.putScalar(1, 2, Double.NaN);
        INDArray withInf = Z.dup();
        withInf.putScalar(0, 0, Double.POSITIVE_INFINITY);
        assertMessage(() -> new LossNTXent().computeScore(IDS, withNaN, IDENTITY, null, true), "NaN", "[6, 4]");
        assertMessage(() -> new LossSupCon().computeGradient(IDS, withInf, IDENTITY, null), "infinite", "[6, 4]");
        assertMessage(() -> new LossNTXent().computeScore(IDS, Nd4j.rand(DataType.FLOAT, 6, 2, 2), IDENTITY, null, true),
                "2-D", "[6, 2, 2]");
        INDArray nanIds = IDS.dup();
        nanIds.putScalar(3, Double.NaN);
        assertMessage(() -> new LossNTXent().computeScore(nanIds, Z, IDENTITY, null, true), "labels", "NaN");
        INDArray withBoth = Z.dup();
        withBoth.putScalar(0, 0, Double.POSITIVE_INFINITY);
        withBoth.putScalar(0, 1, Double.NEGATIVE_INFINITY);
        assertMessage(() -> new LossNTXent().computeScore(IDS, withBoth, IDENTITY, null, true), "infinite", "[6, 4]");
    }

    @Test
    void finiteValuesWhoseSumOverflowsAreAccepted() {
        INDArray huge = Z.dup();
        huge.getColumn(0).assign(3e38);
        assertTrue(Double.isFinite(new LossNTXent().computeScore(IDS, huge, IDENTITY, null, true)));
    }

    @Test
    void infoNceShapes() {
        assertMessage(() -> new LossInfoNCE().computeScore(IDS, Nd4j.rand(DataType.FLOAT, 6, 5), IDENTITY, null, true),
                "odd", "[6, 5]");
        CrossEvaluator e = new CrossEvaluator(SoftmaxCrossEntropyKernel.INSTANCE, true, 10, false, Blocking.DEFAULT);
        assertMessage(() -> e.evaluate(Z, Nd4j.rand(DataType.FLOAT, 5, 4), null, null, null, null, false), "same shape", "[6, 4]", "[5, 4]");
        assertMessage(() -> e.evaluate(Z, Z, Nd4j.rand(DataType.FLOAT, 3, 5), null, null, null, false), "columns", "[3, 5]");
        assertMessage(() -> e.evaluate(Z, Z, Nd4j.rand(DataType.FLOAT, 3, 4), null, Nd4j.zeros(3, 1), null, false),
                "negative ids", "labels");
    }

    @Test
    void masks() {
        assertMessage(() -> new LossNTXent().computeScore(IDS, Z, IDENTITY, Nd4j.ones(6, 4), true), "per-example mask", "[6, 4]");
        assertMessage(() -> new LossNTXent().computeScore(IDS, Z, IDENTITY, Nd4j.ones(4, 1), true), "mask", "[4, 1]");
    }
}
