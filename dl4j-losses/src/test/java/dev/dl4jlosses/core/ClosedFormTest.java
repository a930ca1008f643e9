package dev.dl4jlosses.core;

import static dev.dl4jlosses.testing.Assertions.assertClose;

import dev.dl4jlosses.core.eager.Blocking;
import dev.dl4jlosses.core.eager.CrossEvaluator;
import dev.dl4jlosses.core.eager.PairwiseEvaluator;
import dev.dl4jlosses.core.math.CircleKernel;
import dev.dl4jlosses.core.math.ContrastiveKernel;
import dev.dl4jlosses.core.math.NTXentKernel;
import dev.dl4jlosses.core.math.SoftmaxCrossEntropyKernel;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Hand-made cases whose losses have a closed form: rows are orthonormal basis vectors, or copies of them. The
 * tolerance allows for the normalisation's ε (1e-12 on the squared norm).
 */
class ClosedFormTest {

    private static final INDArray E1 = Nd4j.createFromArray(1.0, 0, 0);
    private static final INDArray E2 = Nd4j.createFromArray(0.0, 1, 0);
    private static final INDArray E3 = Nd4j.createFromArray(0.0, 0, 1);

    /** Two identical views of two orthogonal images: s_pos = 1, two negatives at s = 0. */
    private static final INDArray TWO_PAIRS = Nd4j.vstack(E1, E2, E1, E2).reshape(4, 3);
    private static final INDArray TWO_PAIR_IDS = Nd4j.createFromArray(0.0, 1, 0, 1).reshape(4, 1);

    /** Three copies of e1 (one class) and one e2. */
    private static final INDArray TRIPLE = Nd4j.vstack(E1, E1, E1, E2).reshape(4, 3);
    private static final INDArray TRIPLE_IDS = Nd4j.createFromArray(0.0, 0, 0, 1).reshape(4, 1);

    @Test
    void ntXentTwoIdenticalViews() {
        for (double tau : new double[] {0.5, 0.1, 0.01}) {
            double expected = Math.log1p(2 * Math.exp(-1 / tau));
            assertRows(expected, NTXentKernel.INSTANCE, TWO_PAIRS, TWO_PAIR_IDS, 1 / tau, 4);
        }
    }

    @Test
    void ntXentLeavesOtherPositivesOutOfTheDenominatorSupConKeepsThem() {
        double tau = 0.5;
        double inv = Math.exp(-1 / tau);
        // anchors 0..2: two positives at s=1, one negative at s=0
        assertRows(Math.log1p(inv), NTXentKernel.INSTANCE, TRIPLE, TRIPLE_IDS, 1 / tau, 3);
        assertRows(Math.log(2 + inv), SoftmaxCrossEntropyKernel.INSTANCE, TRIPLE, TRIPLE_IDS, 1 / tau, 3);
    }

    @Test
    void infoNceOrthonormalPairs() {
        INDArray q = Nd4j.vstack(E1, E2, E3).reshape(3, 3);
        double tau = 0.07;
        CrossEvaluator.Result r = new CrossEvaluator(SoftmaxCrossEntropyKernel.INSTANCE, true, 1 / tau, false, Blocking.DEFAULT)
                .evaluate(q, q.dup(), null, null, null, null, false);
        assertClose(Nd4j.valueArrayOf(new long[] {3, 1}, Math.log1p(2 * Math.exp(-1 / tau)), DataType.DOUBLE), r.rowLoss(), 1e-12, 1e-15, "InfoNCE");
    }

    @Test
    void circleOneIdenticalPositiveOneOrthogonalNegative() {
        // anchor e1 with positive e1 (s_p = 1) and two negatives e2 (s_n = 0); m = 0.25, γ = 256:
        // α_p = α_n = 0.25, logit_p = -256·0.25·(1 - 0.75) = -16, logit_n = 256·0.25·(0 - 0.25) = -16,
        // ℓ = softplus(-16 + log(2 e^-16)) = log(1 + 2 e^-32)
        INDArray z = Nd4j.vstack(E1, E1, E2, E2).reshape(4, 3);
        INDArray ids = Nd4j.createFromArray(0.0, 0, 1, 1).reshape(4, 1);
        assertRows(Math.log1p(2 * Math.exp(-32)), new CircleKernel(0.25, 256, true), z, ids, 1, 4);
    }

    private static void assertRows(double expected, ContrastiveKernel kernel, INDArray z, INDArray ids, double scale, int rows) {
        PairwiseEvaluator.Result r = new PairwiseEvaluator(kernel, null, true, scale, Blocking.DEFAULT).evaluate(z, ids, null, false);
        INDArray first = r.rowLoss().get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, rows), org.nd4j.linalg.indexing.NDArrayIndex.all());
        assertClose(Nd4j.valueArrayOf(new long[] {rows, 1}, expected, DataType.DOUBLE), first, 1e-9, 1e-300, kernel.getClass().getSimpleName());
    }
}
