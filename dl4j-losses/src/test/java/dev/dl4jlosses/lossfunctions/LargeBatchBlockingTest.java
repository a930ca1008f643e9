package dev.dl4jlosses.lossfunctions;

import static dev.dl4jlosses.testing.Assertions.assertClose;

import dev.dl4jlosses.core.eager.Blocking;
import dev.dl4jlosses.core.math.ContrastiveKernel;
import dev.dl4jlosses.testing.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/**
 * At B = 4096 in float32, a memory budget that forces row blocks (40 MiB: 91 anchors per block on the general path,
 * 1280 on the fast paths of two-view NT-Xent and InfoNCE, so a block straddles the two views' boundary at 2048) gives
 * the loss and gradient of a single block of all 4096 rows within 1e-5 relative (gradient entries within 1e-5 of the
 * largest).
 */
class LargeBatchBlockingTest {

    private static final int BATCH = 4096;
    private static final long SMALL_BUDGET = 40L << 20;

    @Test
    void ntXentWithTwoViewsBlockedEqualsUnblocked() {
        INDArray z = Random.gaussian(7, DataType.FLOAT, BATCH, 64);
        INDArray ids = Random.twoViewIds(BATCH / 2).castTo(DataType.FLOAT);
        compare(LossNTXent.builder().temperature(0.1).blockRows(BATCH).build(),
                LossNTXent.builder().temperature(0.1).memoryBudgetBytes(SMALL_BUDGET).build(), ids, z, "NT-Xent, two views");
    }

    @Test
    void ntXentWithClassLabelsBlockedEqualsUnblocked() {
        INDArray z = Random.gaussian(8, DataType.FLOAT, BATCH, 64);
        INDArray ids = Random.ids(9, BATCH, 64).castTo(DataType.FLOAT);
        compare(LossNTXent.builder().blockRows(BATCH).build(), LossNTXent.builder().memoryBudgetBytes(SMALL_BUDGET).build(),
                ids, z, "NT-Xent, 64 classes");
    }

    @Test
    void symmetricInfoNceBlockedEqualsUnblocked() {
        INDArray queriesAndKeys = Random.gaussian(10, DataType.FLOAT, BATCH, 128);
        compare(LossInfoNCE.builder().symmetric(true).blockRows(BATCH).build(),
                LossInfoNCE.builder().symmetric(true).memoryBudgetBytes(SMALL_BUDGET).build(), null, queriesAndKeys, "InfoNCE");
    }

    @Test
    void theSmallBudgetReallySplitsTheBatch() {
        org.junit.jupiter.api.Assertions.assertEquals(91,
                new Blocking(SMALL_BUDGET, 0).rowsPerBlock(BATCH, BATCH, DataType.FLOAT, ContrastiveKernel.STANDARD_BLOCK_ARRAYS));
        org.junit.jupiter.api.Assertions.assertEquals(1280,
                new Blocking(SMALL_BUDGET, 0).rowsPerBlock(BATCH, BATCH, DataType.FLOAT, 2));
    }

    private static void compare(ILossFunction whole, ILossFunction blocked, INDArray labels, INDArray preOutput, String what) {
        Pair<Double, INDArray> expected = whole.computeGradientAndScore(labels, preOutput,
                Activation.IDENTITY.getActivationFunction(), null, true);
        Pair<Double, INDArray> actual = blocked.computeGradientAndScore(labels, preOutput,
                Activation.IDENTITY.getActivationFunction(), null, true);
        assertClose(expected.getFirst(), actual.getFirst(), 1e-5, 0, what + ": score");
        double scale = expected.getSecond().amaxNumber().doubleValue();
        assertClose(expected.getSecond(), actual.getSecond(), 0, 1e-5 * scale, what + ": gradient");
        org.junit.jupiter.api.Assertions.assertTrue(scale > 0, what + ": the gradient is not zero");
    }
}
