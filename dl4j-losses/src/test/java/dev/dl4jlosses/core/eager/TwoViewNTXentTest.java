package dev.dl4jlosses.core.eager;

import static dev.dl4jlosses.testing.Assertions.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dl4jlosses.core.math.CircleKernel;
import dev.dl4jlosses.core.math.ContrastiveKernel;
import dev.dl4jlosses.core.math.NTXentKernel;
import dev.dl4jlosses.core.math.SoftmaxCrossEntropyKernel;
import dev.dl4jlosses.options.HardNegatives;
import dev.dl4jlosses.testing.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The two-view fast path gives what the general path gives, and declines every batch it cannot take. */
class TwoViewNTXentTest {

    /** An example mask (even of ones) keeps the evaluator on its general path. */
    private static PairwiseEvaluator.Result generalPath(ContrastiveKernel kernel, double scale, INDArray z, INDArray ids) {
        return new PairwiseEvaluator(kernel, null, true, scale, Blocking.DEFAULT)
                .evaluate(z, ids, Nd4j.ones(z.dataType(), z.rows(), 1), true);
    }

    @Test
    void shuffledTwoViewIdsGiveTheGeneralPathsLossAndGradient() {
        INDArray z = Random.gaussian(301, DataType.DOUBLE, 12, 5);
        z.getRow(4).assign(0);
        // pairs in scattered rows, negative and large ids
        INDArray ids = Nd4j.createFromArray(-7.0, 3e6, 5, 0, -7, 2, 5, 11, 3e6, 0, 2, 11).reshape(12, 1);
        for (ContrastiveKernel kernel : new ContrastiveKernel[] {NTXentKernel.INSTANCE, SoftmaxCrossEntropyKernel.INSTANCE}) {
            for (double scale : new double[] {1, 2, 10, 50}) {
                PairwiseEvaluator.Result general = generalPath(kernel, scale, z, ids);
                INDArray rowLoss = Nd4j.create(DataType.DOUBLE, 12, 1);
                INDArray valid = Nd4j.create(DataType.DOUBLE, 12, 1);
                INDArray gradient = Nd4j.create(DataType.DOUBLE, 12, 5);
                assertTrue(TwoViewNTXent.evaluate(z, ids, scale, Blocking.DEFAULT, rowLoss, valid, gradient), "two views per id");
                String what = kernel.getClass().getSimpleName() + " 1/τ=" + scale;
                assertClose(general.rowLoss(), rowLoss, 1e-10, 1e-12, what + " loss");
                assertClose(general.valid(), valid, 0, 0, what + " valid");
                assertClose(general.gradient(), gradient, 1e-9, 1e-12, what + " gradient");
            }
        }
    }

    @Test
    void floatBatchMatchesTheGeneralPathInFloat32Rounding() {
        INDArray z = Random.gaussian(302, DataType.FLOAT, 512, 32);
        INDArray ids = Random.twoViewIds(256).castTo(DataType.FLOAT);
        PairwiseEvaluator.Result general = generalPath(NTXentKernel.INSTANCE, 10, z, ids);
        PairwiseEvaluator.Result fast = new PairwiseEvaluator(NTXentKernel.INSTANCE, null, true, 10, Blocking.DEFAULT)
                .evaluate(z, ids, null, true);
        assertClose(general.rowLoss(), fast.rowLoss(), 1e-5, 1e-6, "loss");
        assertClose(general.gradient(), fast.gradient(), 1e-4, 1e-6, "gradient");
    }

    @Test
    void blocksOfAnySizeGiveTheWholeBatchsResult() {
        INDArray z = Random.gaussian(304, DataType.DOUBLE, 14, 5);
        // pairs scattered, so the rows are reordered; blocks of 3 and 5 rows straddle the middle of the batch
        INDArray ids = Nd4j.createFromArray(4.0, 0, 1, 6, 2, 3, 5, 0, 1, 2, 3, 4, 5, 6).reshape(14, 1);
        PairwiseEvaluator.Result whole = new PairwiseEvaluator(NTXentKernel.INSTANCE, null, true, 5, Blocking.DEFAULT)
                .evaluate(z, ids, null, true);
        assertClose(generalPath(NTXentKernel.INSTANCE, 5, z, ids).gradient(), whole.gradient(), 1e-9, 1e-12, "whole batch");
        for (int rows : new int[] {1, 3, 5, 13}) {
            INDArray rowLoss = Nd4j.create(DataType.DOUBLE, 14, 1);
            INDArray gradient = Nd4j.create(DataType.DOUBLE, 14, 5);
            assertTrue(TwoViewNTXent.evaluate(z, ids, 5, new Blocking(Blocking.DEFAULT_MEMORY_BUDGET, rows), rowLoss,
                    Nd4j.create(DataType.DOUBLE, 14, 1), gradient));
            assertClose(whole.rowLoss(), rowLoss, 1e-12, 1e-14, "blockRows=" + rows + " loss");
            assertClose(whole.gradient(), gradient, 1e-12, 1e-14, "blockRows=" + rows + " gradient");
        }
    }

    @Test
    void declinesBatchesThatAreNotTwoViewsPerId() {
        INDArray z = Random.gaussian(303, DataType.DOUBLE, 8, 3);
        double[][] notPairs = {
                {0, 0, 0, 1, 1, 1, 2, 2},            // an id three times
                {0, 0, 1, 1, 2, 2, 3, 4},            // singletons
                {0, 0, 1, 1, 2, 2, 3.5, 3.5},        // not integers
                {0, 0, 1, 1, 2, 2, 3, Double.NaN},
                {0, 0, 1, 1, 2, 2, 3, Double.POSITIVE_INFINITY},
                {0, 0, 0, 0, 1, 1, 1, 1}};           // SupCon classes
        for (double[] v : notPairs) {
            // twice: the static call sorts the ids each time (an instance's cache: oneInstanceRemembersTheLastLayoutOnly)
            for (int call = 0; call < 2; call++) {
                INDArray rowLoss = Nd4j.create(DataType.DOUBLE, 8, 1);
                assertFalse(TwoViewNTXent.evaluate(z, Nd4j.createFromArray(v).reshape(8, 1), 2, Blocking.DEFAULT, rowLoss,
                        Nd4j.create(DataType.DOUBLE, 8, 1), null), java.util.Arrays.toString(v));
                assertClose(Nd4j.zeros(DataType.DOUBLE, 8, 1), rowLoss, 0, 0, "untouched");
            }
        }
        assertFalse(TwoViewNTXent.evaluate(z.getRows(0, 1), Random.twoViewIds(1), 2, Blocking.DEFAULT, Nd4j.create(2, 1),
                Nd4j.create(2, 1), null), "two rows have no negative");
    }

    /** One instance (as an evaluator holds it) answers from the layout it cached, and never for other ids. */
    @Test
    void oneInstanceRemembersTheLastLayoutOnly() {
        INDArray z = Random.gaussian(305, DataType.DOUBLE, 8, 3);
        INDArray pairs = Nd4j.createFromArray(2.0, 0, 3, 1, 1, 0, 3, 2).reshape(8, 1);
        INDArray classes = Nd4j.createFromArray(0.0, 0, 0, 0, 1, 1, 1, 1).reshape(8, 1);
        TwoViewNTXent fastPath = TwoViewNTXent.offeredFor(NTXentKernel.INSTANCE, null, true);
        INDArray expected = Nd4j.create(DataType.DOUBLE, 8, 1);
        assertTrue(TwoViewNTXent.evaluate(z, pairs, 2, Blocking.DEFAULT, expected, Nd4j.create(DataType.DOUBLE, 8, 1), null));
        for (INDArray ids : new INDArray[] {pairs, pairs, classes, pairs, classes, classes, pairs}) {
            INDArray rowLoss = Nd4j.create(DataType.DOUBLE, 8, 1);
            boolean taken = fastPath.tryEvaluate(z, ids, 2, Blocking.DEFAULT, rowLoss, Nd4j.create(DataType.DOUBLE, 8, 1), null);
            assertEquals(ids == pairs, taken, "two views per id: " + ids);
            assertClose(ids == pairs ? expected : Nd4j.zeros(DataType.DOUBLE, 8, 1), rowLoss, 0, 0, "loss");
        }
    }

    @Test
    void offeredOnlyWhereItCoversTheConfiguration() {
        assertTrue(TwoViewNTXent.offeredFor(SoftmaxCrossEntropyKernel.INSTANCE, null, true) != null, "SupCon");
        assertEquals(null, TwoViewNTXent.offeredFor(NTXentKernel.INSTANCE, null, false), "dot products");
        assertEquals(null, TwoViewNTXent.offeredFor(NTXentKernel.INSTANCE, HardNegatives.topK(2), true),
                "hard negatives");
        assertEquals(null, TwoViewNTXent.offeredFor(new CircleKernel(0.25, 64, true), null, true), "circle");
    }

    @Test
    void underflowingRowsFallBackToTheGeneralPath() {
        // at τ = 0.01 a row whose similarities are all ≤ 0 has shifted logits ≤ -100: exp underflows in float32
        INDArray z = Nd4j.createFromArray(new float[][] {{1, 0}, {-1, 0}, {0, 1}, {0, -1}});
        INDArray ids = Nd4j.createFromArray(0f, 0, 1, 1).reshape(4, 1);
        assertFalse(TwoViewNTXent.evaluate(z, ids, 100, Blocking.DEFAULT, Nd4j.create(4, 1), Nd4j.create(4, 1), null));
        PairwiseEvaluator.Result r = new PairwiseEvaluator(NTXentKernel.INSTANCE, null, true, 100, Blocking.DEFAULT)
                .evaluate(z, ids, null, true);
        // each anchor: positive at -1, negatives at 0 → ℓ = log(e^{-100} + 2) + 100
        assertClose(Nd4j.valueArrayOf(new long[] {4, 1}, 100 + Math.log(2), DataType.FLOAT), r.rowLoss(), 1e-6, 0, "loss");
        assertTrue(Double.isFinite(r.gradient().norm2Number().doubleValue()), "finite gradient");
    }
}
