package dev.dl4jlosses.core;

import static dev.dl4jlosses.testing.Assertions.assertClose;

import dev.dl4jlosses.core.eager.Blocking;
import dev.dl4jlosses.core.eager.PairwiseEvaluator;
import dev.dl4jlosses.core.math.CircleKernel;
import dev.dl4jlosses.core.math.ContrastiveKernel;
import dev.dl4jlosses.core.math.NTXentKernel;
import dev.dl4jlosses.core.math.SoftmaxCrossEntropyKernel;
import dev.dl4jlosses.testing.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Example masks remove rows exactly; row blocks change nothing. */
class MaskAndBlockTest {

    private static final ContrastiveKernel[] KERNELS = {NTXentKernel.INSTANCE, SoftmaxCrossEntropyKernel.INSTANCE,
            new CircleKernel(0.25, 64, true)};

    @Test
    void maskedRowsAreNeitherAnchorsNorCandidates() {
        INDArray z = Random.gaussian(91, DataType.DOUBLE, 10, 4);
        INDArray ids = Random.ids(92, 10, 3);
        int[] kept = {0, 1, 2, 4, 5, 7, 8, 9};
        INDArray keep = Nd4j.createFromArray(1.0, 1, 1, 0, 1, 1, 0, 1, 1, 1).reshape(10, 1);
        for (ContrastiveKernel kernel : KERNELS) {
            PairwiseEvaluator e = new PairwiseEvaluator(kernel, null, true, 5, Blocking.DEFAULT);
            PairwiseEvaluator.Result masked = e.evaluate(z, ids, keep, true);
            PairwiseEvaluator.Result subset = e.evaluate(z.getRows(kept), ids.getRows(kept), null, true);
            String what = kernel.getClass().getSimpleName();
            assertClose(subset.rowLoss(), masked.rowLoss().getRows(kept), 1e-12, 1e-14, what + " kept rows' loss");
            assertClose(subset.gradient(), masked.gradient().getRows(kept), 1e-12, 1e-14, what + " kept rows' gradient");
            assertClose(Nd4j.zeros(2, 1), masked.rowLoss().getRows(3, 6), 0, 0, what + " masked rows' loss");
            assertClose(Nd4j.zeros(2, 4), masked.gradient().getRows(3, 6), 0, 0, what + " masked rows' gradient");
        }
    }

    @Test
    void blocksOfAnySizeGiveTheSameResult() {
        INDArray z = Random.gaussian(93, DataType.DOUBLE, 37, 6);
        INDArray ids = Random.ids(94, 37, 5);
        for (ContrastiveKernel kernel : KERNELS) {
            PairwiseEvaluator.Result whole = new PairwiseEvaluator(kernel, null, true, 4, Blocking.DEFAULT).evaluate(z, ids, null, true);
            for (int rows : new int[] {1, 5, 36}) {
                PairwiseEvaluator.Result blocked = new PairwiseEvaluator(kernel, null, true, 4, new Blocking(Blocking.DEFAULT_MEMORY_BUDGET, rows))
                        .evaluate(z, ids, null, true);
                String what = kernel.getClass().getSimpleName() + " blockRows=" + rows;
                assertClose(whole.rowLoss(), blocked.rowLoss(), 1e-12, 1e-14, what);
                assertClose(whole.gradient(), blocked.gradient(), 1e-12, 1e-14, what);
            }
        }
    }

    @Test
    void theMemoryBudgetSelectsTheBlockSize() {
        int arrays = ContrastiveKernel.STANDARD_BLOCK_ARRAYS;
        Blocking budget = new Blocking(64L * 1000 * 4 * arrays, 0);
        org.junit.jupiter.api.Assertions.assertEquals(64, budget.rowsPerBlock(5000, 1000, DataType.FLOAT, arrays));
        org.junit.jupiter.api.Assertions.assertEquals(32, budget.rowsPerBlock(5000, 1000, DataType.DOUBLE, arrays));
        org.junit.jupiter.api.Assertions.assertEquals(10, budget.rowsPerBlock(10, 1000, DataType.FLOAT, arrays));
        org.junit.jupiter.api.Assertions.assertEquals(1, new Blocking(1, 0).rowsPerBlock(5000, 5000, DataType.FLOAT, arrays));
    }
}
