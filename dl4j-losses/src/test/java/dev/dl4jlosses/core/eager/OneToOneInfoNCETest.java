package dev.dl4jlosses.core.eager;

import static dev.dl4jlosses.testing.Assertions.assertClose;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dl4jlosses.core.math.SoftmaxCrossEntropyKernel;
import dev.dl4jlosses.testing.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The one-to-one InfoNCE fast path gives what the general path gives, in both directions. */
class OneToOneInfoNCETest {

    @Test
    void matchesTheGeneralPath() {
        INDArray q = Random.gaussian(311, DataType.DOUBLE, 9, 4);
        INDArray k = Random.gaussian(312, DataType.DOUBLE, 9, 4);
        k.getRow(2).assign(0);
        for (boolean symmetric : new boolean[] {false, true}) {
            for (double scale : new double[] {1, 5, 14.3, 50}) {
                CrossEvaluator.Result general = generalPath(q, k, scale, symmetric);
                INDArray rowLoss = Nd4j.create(DataType.DOUBLE, 9, 1);
                INDArray valid = Nd4j.create(DataType.DOUBLE, 9, 1);
                INDArray gradQ = Nd4j.create(DataType.DOUBLE, 9, 4);
                INDArray gradK = Nd4j.create(DataType.DOUBLE, 9, 4);
                assertTrue(OneToOneInfoNCE.evaluate(q, k, scale, symmetric, Blocking.DEFAULT, rowLoss, valid, gradQ, gradK));
                String what = "symmetric=" + symmetric + " 1/τ=" + scale;
                assertClose(general.rowLoss(), rowLoss, 1e-10, 1e-12, what + " loss");
                assertClose(general.valid(), valid, 0, 0, what + " valid");
                assertClose(general.gradQueries(), gradQ, 1e-9, 1e-12, what + " query gradient");
                assertClose(general.gradKeys(), gradK, 1e-9, 1e-12, what + " key gradient");
            }
        }
    }

    /** A mask (even of ones) keeps the evaluator on its general path. */
    private static CrossEvaluator.Result generalPath(INDArray q, INDArray k, double scale, boolean symmetric) {
        return new CrossEvaluator(SoftmaxCrossEntropyKernel.INSTANCE, true, scale, symmetric, Blocking.DEFAULT)
                .evaluate(q, k, null, null, null, Nd4j.ones(q.dataType(), q.rows(), 1), true);
    }

    @Test
    void blocksOfAnySizeGiveTheWholeBatchsResult() {
        INDArray q = Random.gaussian(315, DataType.DOUBLE, 11, 4);
        INDArray k = Random.gaussian(316, DataType.DOUBLE, 11, 4);
        for (boolean symmetric : new boolean[] {false, true}) {
            CrossEvaluator.Result whole = new CrossEvaluator(SoftmaxCrossEntropyKernel.INSTANCE, true, 5, symmetric, Blocking.DEFAULT)
                    .evaluate(q, k, null, null, null, null, true);
            for (int rows : new int[] {1, 4, 10}) {
                CrossEvaluator.Result blocked = new CrossEvaluator(SoftmaxCrossEntropyKernel.INSTANCE, true, 5, symmetric,
                        new Blocking(Blocking.DEFAULT_MEMORY_BUDGET, rows)).evaluate(q, k, null, null, null, null, true);
                String what = "symmetric=" + symmetric + " blockRows=" + rows;
                assertClose(whole.rowLoss(), blocked.rowLoss(), 1e-12, 1e-14, what + " loss");
                assertClose(whole.gradQueries(), blocked.gradQueries(), 1e-12, 1e-14, what + " query gradient");
                assertClose(whole.gradKeys(), blocked.gradKeys(), 1e-12, 1e-14, what + " key gradient");
            }
        }
    }

    @Test
    void takenByTheEvaluatorForFloatBatches() {
        INDArray q = Random.gaussian(313, DataType.FLOAT, 300, 16);
        INDArray k = Random.gaussian(314, DataType.FLOAT, 300, 16);
        for (boolean symmetric : new boolean[] {false, true}) {
            CrossEvaluator.Result general = generalPath(q, k, 14.3, symmetric);
            CrossEvaluator.Result fast = new CrossEvaluator(SoftmaxCrossEntropyKernel.INSTANCE, true, 14.3, symmetric,
                    Blocking.DEFAULT).evaluate(q, k, null, null, null, null, true);
            assertClose(general.rowLoss(), fast.rowLoss(), 1e-5, 1e-6, "loss");
            assertClose(general.gradQueries(), fast.gradQueries(), 1e-4, 1e-6, "query gradient");
            assertClose(general.gradKeys(), fast.gradKeys(), 1e-4, 1e-6, "key gradient");
        }
    }

    @Test
    void declinesUnderflowAndSinglePairs() {
        // τ = 0.01 and every negative at similarity -1: shifted logits of -200 underflow in float32
        INDArray q = Nd4j.createFromArray(new float[][] {{1, 0}, {-1, 0}});
        assertFalse(OneToOneInfoNCE.evaluate(q, q.dup(), 100, false, Blocking.DEFAULT, Nd4j.create(2, 1), Nd4j.create(2, 1), null, null));
        assertFalse(OneToOneInfoNCE.evaluate(q.getRows(0), q.getRows(0), 2, false, Blocking.DEFAULT, Nd4j.create(1, 1), Nd4j.create(1, 1), null, null));
        CrossEvaluator.Result r = new CrossEvaluator(SoftmaxCrossEntropyKernel.INSTANCE, true, 100, false, Blocking.DEFAULT)
                .evaluate(q, q.dup(), null, null, null, null, true);
        assertTrue(Double.isFinite(r.gradQueries().norm2Number().doubleValue()), "finite gradient");
    }
}
