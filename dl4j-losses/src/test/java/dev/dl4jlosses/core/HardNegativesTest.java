package dev.dl4jlosses.core;

import static dev.dl4jlosses.testing.Assertions.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

import dev.dl4jlosses.core.eager.Blocking;
import dev.dl4jlosses.core.eager.CrossEvaluator;
import dev.dl4jlosses.core.eager.NDArrayOps;
import dev.dl4jlosses.core.eager.PairwiseEvaluator;
import dev.dl4jlosses.core.math.ContrastiveKernel;
import dev.dl4jlosses.core.math.NTXentKernel;
import dev.dl4jlosses.core.math.SoftmaxCrossEntropyKernel;
import dev.dl4jlosses.options.HardNegatives;
import dev.dl4jlosses.testing.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/** Hard-negative selection: which negatives are kept, and that the dropped ones take no part in value or gradient. */
class HardNegativesTest {

    private static final NDArrayOps O = NDArrayOps.INSTANCE;

    /** Row 0: five negatives (column 4 is no negative) with a tie at 0.5; row 1: no negative at all. */
    private static final INDArray SIMILARITY = Nd4j.createFromArray(new double[][] {
            {0.9, 0.5, 0.5, 0.1, -0.3, 0.7}, {0.9, 0.5, 0.5, 0.1, -0.3, 0.7}});
    private static final INDArray NEGATIVES = Nd4j.createFromArray(new double[][] {{1, 1, 1, 1, 0, 1}, {0, 0, 0, 0, 0, 0}});

    private static void assertKeeps(HardNegatives h, double... row0) {
        INDArray expected = Nd4j.createFromArray(new double[][] {row0, new double[6]});
        assertClose(expected, h.select(O, SIMILARITY, NEGATIVES), 0, 0, h.toString());
    }

    @Test
    void keepsTheHardestNegativesOnly() {
        assertKeeps(HardNegatives.topK(1), 1, 0, 0, 0, 0, 0);
        assertKeeps(HardNegatives.topK(2), 1, 0, 0, 0, 0, 1);
        assertKeeps(HardNegatives.topK(3), 1, 1, 1, 0, 0, 1);            // ties with the 3rd largest are all kept
        assertKeeps(HardNegatives.topK(10), 1, 1, 1, 1, 0, 1);           // fewer negatives than k: all of them
        assertKeeps(HardNegatives.threshold(0.5), 1, 1, 1, 0, 0, 1);     // s >= t
        assertKeeps(HardNegatives.threshold(0.95), 0, 0, 0, 0, 0, 0);
        assertKeeps(HardNegatives.topFraction(0.4), 1, 0, 0, 0, 0, 1);   // ⌈0.4·5⌉ = 2
        assertKeeps(HardNegatives.topFraction(0.01), 1, 0, 0, 0, 0, 0);  // at least one
        assertKeeps(HardNegatives.topFraction(1), 1, 1, 1, 1, 0, 1);
    }

    @Test
    void topFractionRoundsWithoutFloatingPointSurprises() {
        INDArray similarity = Nd4j.linspace(-1, 1, 30, DataType.DOUBLE).reshape(1, 30);
        INDArray negatives = Nd4j.ones(DataType.DOUBLE, 1, 30);
        assertEquals(3.0, HardNegatives.topFraction(0.1).select(O, similarity, negatives).sumNumber().doubleValue(), "10% of 30");
        assertEquals(9.0, HardNegatives.topFraction(0.3).select(O, similarity, negatives).sumNumber().doubleValue(), "30% of 30");
        assertEquals(4.0, HardNegatives.topFraction(0.11).select(O, similarity, negatives).sumNumber().doubleValue(), "11% of 30");
    }

    /**
     * InfoNCE with one query and explicit negatives: the dropped negatives get exactly zero gradient, and the loss and
     * every other gradient are those of the same loss given only the kept negatives.
     */
    @Test
    void truncationEqualsTheLossOnTheKeptNegativesOnly() {
        INDArray q = Random.gaussian(81, DataType.DOUBLE, 1, 5);
        INDArray k = Random.gaussian(82, DataType.DOUBLE, 1, 5);
        INDArray n = Random.gaussian(83, DataType.DOUBLE, 9, 5);
        double[] cosine = IntStream.range(0, 9).mapToDouble(i -> Transforms.cosineSim(q.reshape(5), n.getRow(i))).toArray();
        Integer[] byCosine = IntStream.range(0, 9).boxed().sorted(Comparator.comparingDouble(i -> -cosine[i])).toArray(Integer[]::new);
        double median = cosine[byCosine[4]];
        check(HardNegatives.topK(3), Arrays.stream(byCosine, 0, 3).mapToInt(Integer::intValue).toArray(), q, k, n);
        check(HardNegatives.topFraction(0.5), Arrays.stream(byCosine, 0, 5).mapToInt(Integer::intValue).toArray(), q, k, n);
        check(HardNegatives.threshold(median), Arrays.stream(byCosine, 0, 5).mapToInt(Integer::intValue).toArray(), q, k, n);
    }

    private static void check(HardNegatives h, int[] kept, INDArray q, INDArray k, INDArray n) {
        CrossEvaluator.Result hard = new CrossEvaluator(SoftmaxCrossEntropyKernel.INSTANCE, h, true, 1 / 0.2, false, Blocking.DEFAULT)
                .evaluate(q, k, n, null, null, null, true);
        CrossEvaluator.Result restricted = new CrossEvaluator(SoftmaxCrossEntropyKernel.INSTANCE, true, 1 / 0.2, false, Blocking.DEFAULT)
                .evaluate(q, k, n.getRows(kept), null, null, null, true);
        assertClose(restricted.rowLoss(), hard.rowLoss(), 1e-12, 1e-14, h + " loss");
        assertClose(restricted.gradQueries(), hard.gradQueries(), 1e-12, 1e-14, h + " query gradient");
        assertClose(restricted.gradKeys(), hard.gradKeys(), 1e-12, 1e-14, h + " key gradient");
        assertClose(restricted.gradNegatives(), hard.gradNegatives().getRows(kept), 1e-12, 1e-14, h + " kept negatives' gradient");
        INDArray dropped = hard.gradNegatives().dup();
        for (int row : kept) {
            dropped.getRow(row).assign(0);
        }
        assertEquals(0.0, Transforms.abs(dropped).sumNumber().doubleValue(), h + ": the dropped negatives' gradient is exactly 0");
        assertTrue(Transforms.abs(hard.gradNegatives().getRows(kept)).minNumber().doubleValue() > 0, h + ": kept negatives get a gradient");
    }

    /**
     * One batch with an outlier that is every anchor's easiest negative and has no positive: truncating it by a
     * threshold gives exactly the loss of the batch with the outlier masked out, and it gets exactly zero gradient.
     */
    @Test
    void anOutlierTruncatedForEveryAnchorIsAsIfMaskedOut() {
        INDArray z = Random.gaussian(91, DataType.DOUBLE, 8, 4);
        z.getColumn(0).addi(3);                                   // rows 0..6 in a cone around e_0
        z.getRow(7).assign(Nd4j.createFromArray(-2.0, 0.1, 0, 0)); // the outlier points the other way
        INDArray ids = Nd4j.createFromArray(0.0, 0, 1, 1, 2, 2, 0, 3).reshape(8, 1);
        INDArray keep = Nd4j.createFromArray(1.0, 1, 1, 1, 1, 1, 1, 0).reshape(8, 1);
        for (ContrastiveKernel kernel : new ContrastiveKernel[] {NTXentKernel.INSTANCE, SoftmaxCrossEntropyKernel.INSTANCE}) {
            for (int blockRows : new int[] {0, 3}) {
                Blocking blocking = new Blocking(Blocking.DEFAULT_MEMORY_BUDGET, blockRows);
                PairwiseEvaluator.Result hard = new PairwiseEvaluator(kernel, HardNegatives.threshold(-0.5), true, 1 / 0.1, blocking)
                        .evaluate(z, ids, null, true);
                PairwiseEvaluator.Result masked = new PairwiseEvaluator(kernel, null, true, 1 / 0.1, blocking).evaluate(z, ids, keep, true);
                String what = kernel.getClass().getSimpleName() + " blockRows=" + blockRows;
                assertClose(masked.rowLoss(), hard.rowLoss(), 1e-12, 1e-14, what + " loss");
                assertClose(masked.gradient(), hard.gradient(), 1e-12, 1e-14, what + " gradient");
                assertEquals(0.0, Transforms.abs(hard.gradient().getRow(7)).sumNumber().doubleValue(), what + ": outlier gradient");
                PairwiseEvaluator.Result all = new PairwiseEvaluator(kernel, null, true, 1 / 0.1, blocking).evaluate(z, ids, null, true);
                assertTrue(Transforms.abs(all.gradient().getRow(7)).sumNumber().doubleValue() > 0, what + ": without truncation it is pushed");
            }
        }
    }

    @Test
    void finiteDifferences() {
        INDArray z = Random.gaussian(101, DataType.DOUBLE, 7, 3);
        INDArray ids = Random.ids(102, 7, 3);
        HardNegatives[] rules = {HardNegatives.topK(2), HardNegatives.threshold(0.0), HardNegatives.topFraction(0.5)};
        for (ContrastiveKernel kernel : new ContrastiveKernel[] {NTXentKernel.INSTANCE, SoftmaxCrossEntropyKernel.INSTANCE}) {
            for (HardNegatives h : rules) {
                PairwiseEvaluator e = new PairwiseEvaluator(kernel, h, true, 1 / 0.2, new Blocking(Blocking.DEFAULT_MEMORY_BUDGET, 4));
                assertClose(FiniteDifferenceTest.numericGradient(z, x -> e.evaluate(x, ids, null, false).rowLoss().sumNumber().doubleValue()),
                        e.evaluate(z, ids, null, true).gradient(), 1e-5, 1e-7, kernel.getClass().getSimpleName() + " " + h);
            }
        }
        INDArray q = Random.gaussian(103, DataType.DOUBLE, 4, 3);
        INDArray k = Random.gaussian(104, DataType.DOUBLE, 4, 3);
        INDArray n = Random.gaussian(105, DataType.DOUBLE, 3, 3);
        for (HardNegatives h : rules) {
            CrossEvaluator e = new CrossEvaluator(SoftmaxCrossEntropyKernel.INSTANCE, h, true, 1 / 0.2, true, Blocking.DEFAULT);
            CrossEvaluator.Result r = e.evaluate(q, k, n, null, null, null, true);
            assertClose(FiniteDifferenceTest.numericGradient(q, x -> e.evaluate(x, k, n, null, null, null, false).rowLoss().sumNumber().doubleValue()),
                    r.gradQueries(), 1e-5, 1e-7, "InfoNCE queries " + h);
            assertClose(FiniteDifferenceTest.numericGradient(n, x -> e.evaluate(q, k, x, null, null, null, false).rowLoss().sumNumber().doubleValue()),
                    r.gradNegatives(), 1e-5, 1e-7, "InfoNCE negatives " + h);
        }
    }
}
