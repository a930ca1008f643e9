package dev.dl4jlosses.core;

import static dev.dl4jlosses.testing.Assertions.assertClose;

import java.util.function.Function;
import java.util.stream.Stream;

import dev.dl4jlosses.core.eager.Blocking;
import dev.dl4jlosses.core.eager.CrossEvaluator;
import dev.dl4jlosses.core.eager.PairwiseEvaluator;
import dev.dl4jlosses.core.math.CircleKernel;
import dev.dl4jlosses.core.math.ContrastiveKernel;
import dev.dl4jlosses.core.math.DebiasedContrastiveKernel;
import dev.dl4jlosses.core.math.DecoupledContrastiveKernel;
import dev.dl4jlosses.core.math.MultiSimilarityKernel;
import dev.dl4jlosses.core.math.NTXentKernel;
import dev.dl4jlosses.core.math.SigmoidPairKernel;
import dev.dl4jlosses.core.math.SoftmaxCrossEntropyKernel;
import dev.dl4jlosses.testing.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Analytic gradients of the eager path against central finite differences, in float64. */
class FiniteDifferenceTest {

    private static final double H = 1e-6;

    static Stream<Arguments> pairwiseCases() {
        return Stream.of(
                Arguments.of("NT-Xent τ=0.5", NTXentKernel.INSTANCE, true, 2.0),
                Arguments.of("NT-Xent τ=0.05", NTXentKernel.INSTANCE, true, 20.0),
                Arguments.of("NT-Xent dot product", NTXentKernel.INSTANCE, false, 1.0),
                Arguments.of("SupCon τ=0.1", SoftmaxCrossEntropyKernel.INSTANCE, true, 10.0),
                Arguments.of("SupCon dot product", SoftmaxCrossEntropyKernel.INSTANCE, false, 0.5),
                // the default circle gradient holds α constant, so it is no derivative of the loss value; it is checked
                // against PyTorch autograd (ReferenceValuesTest). Finite differences check the undetached form.
                Arguments.of("circle m=0.25 γ=32, α differentiated", new CircleKernel(0.25, 32, false), true, 1.0),
                Arguments.of("circle m=0.1 γ=256, α differentiated", new CircleKernel(0.1, 256, false), true, 1.0),
                Arguments.of("DCL τ=0.1", DecoupledContrastiveKernel.UNWEIGHTED, true, 10.0),
                Arguments.of("DCLW τ=0.2 σ=0.5", DecoupledContrastiveKernel.weighted(0.5, 0.2), true, 5.0),
                Arguments.of("DCLW dot product τ=1 σ=2", DecoupledContrastiveKernel.weighted(2, 1), false, 1.0),
                Arguments.of("debiased τ=0.5 τ⁺=0.1", new DebiasedContrastiveKernel(0.5, 0.1, 0), true, 2.0),
                Arguments.of("HCL τ=0.2 τ⁺=0.1 β=1", new DebiasedContrastiveKernel(0.2, 0.1, 1), true, 5.0),
                Arguments.of("HCL τ=0.5 τ⁺=0.6 β=2 (bound taken by some pairs)", new DebiasedContrastiveKernel(0.5, 0.6, 2), true, 2.0),
                Arguments.of("multi-similarity α=2 β=10 λ=0.5", new MultiSimilarityKernel(2, 10, 0.5), true, 1.0),
                Arguments.of("multi-similarity mined ε=0.1", MultiSimilarityKernel.withMining(2, 10, 0.5, 0.1), true, 1.0));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pairwiseCases")
    void pairwiseWithMaskAndBlocks(String name, ContrastiveKernel kernel, boolean normalize, double scale) {
        INDArray z = Random.gaussian(7, DataType.DOUBLE, 9, 4);
        INDArray ids = Random.ids(3, 9, 3);
        INDArray keep = Nd4j.createFromArray(1.0, 1, 1, 0, 1, 1, 1, 1, 1).reshape(9, 1);
        for (int blockRows : new int[] {0, 4}) {
            PairwiseEvaluator e = new PairwiseEvaluator(kernel, null, normalize, scale, new Blocking(Blocking.DEFAULT_MEMORY_BUDGET, blockRows));
            INDArray analytic = e.evaluate(z, ids, keep, true).gradient();
            INDArray numeric = numericGradient(z, x -> e.evaluate(x, ids, keep, false).rowLoss().sumNumber().doubleValue());
            assertClose(numeric, analytic, 1e-5, 1e-7, name + " blockRows=" + blockRows);
        }
    }

    /** Extra negatives (a memory queue) are constants: the gradient is that of the batch's rows only. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("pairwiseCases")
    void pairwiseWithExtraNegatives(String name, ContrastiveKernel kernel, boolean normalize, double scale) {
        INDArray z = Random.gaussian(8, DataType.DOUBLE, 8, 4);
        INDArray ids = Random.twoViewIds(4);
        INDArray queued = Random.gaussian(9, DataType.DOUBLE, 5, 4);
        INDArray queuedIds = Nd4j.createFromArray(0.0, 1, 7, 8, 9).reshape(5, 1);
        for (int blockRows : new int[] {0, 3}) {
            PairwiseEvaluator e = new PairwiseEvaluator(kernel, null, normalize, scale, new Blocking(Blocking.DEFAULT_MEMORY_BUDGET, blockRows));
            INDArray analytic = e.evaluate(z, ids, null, queued, queuedIds, true).gradient();
            INDArray numeric = numericGradient(z, x -> e.evaluate(x, ids, null, queued, queuedIds, false).rowLoss().sumNumber().doubleValue());
            assertClose(numeric, analytic, 1e-5, 1e-7, name + " with queued negatives, blockRows=" + blockRows);
        }
    }

    @Test
    void infoNceAllOptions() {
        INDArray q = Random.gaussian(11, DataType.DOUBLE, 6, 4);
        INDArray k = Random.gaussian(12, DataType.DOUBLE, 6, 4);
        INDArray n = Random.gaussian(13, DataType.DOUBLE, 3, 4);
        INDArray ids = Nd4j.createFromArray(0.0, 0, 1, 2, 3, 4).reshape(6, 1);
        INDArray negIds = Nd4j.createFromArray(1.0, 5, 6).reshape(3, 1);
        INDArray keep = Nd4j.createFromArray(1.0, 1, 1, 1, 0, 1).reshape(6, 1);
        for (boolean symmetric : new boolean[] {false, true}) {
            for (int blockRows : new int[] {0, 4}) {
                CrossEvaluator e = new CrossEvaluator(SoftmaxCrossEntropyKernel.INSTANCE, true, 1 / 0.2, symmetric,
                        new Blocking(Blocking.DEFAULT_MEMORY_BUDGET, blockRows));
                CrossEvaluator.Result r = e.evaluate(q, k, n, ids, negIds, keep, true);
                String what = "InfoNCE symmetric=" + symmetric + " blockRows=" + blockRows;
                assertClose(numericGradient(q, x -> e.evaluate(x, k, n, ids, negIds, keep, false).rowLoss().sumNumber().doubleValue()),
                        r.gradQueries(), 1e-5, 1e-7, what + " queries");
                assertClose(numericGradient(k, x -> e.evaluate(q, x, n, ids, negIds, keep, false).rowLoss().sumNumber().doubleValue()),
                        r.gradKeys(), 1e-5, 1e-7, what + " keys");
                assertClose(numericGradient(n, x -> e.evaluate(q, k, x, ids, negIds, keep, false).rowLoss().sumNumber().doubleValue()),
                        r.gradNegatives(), 1e-5, 1e-7, what + " negatives");
            }
        }
    }

    @Test
    void sigLipInBlocks() {
        INDArray images = Random.gaussian(14, DataType.DOUBLE, 6, 4);
        INDArray texts = Random.gaussian(15, DataType.DOUBLE, 6, 4);
        for (int blockRows : new int[] {0, 4}) {
            CrossEvaluator e = new CrossEvaluator(new SigmoidPairKernel(-3), true, 5, false, new Blocking(Blocking.DEFAULT_MEMORY_BUDGET, blockRows));
            CrossEvaluator.Result r = e.evaluate(images, texts, null, null, null, null, true);
            assertClose(numericGradient(images, x -> e.evaluate(x, texts, null, null, null, null, false).rowLoss().sumNumber().doubleValue()),
                    r.gradQueries(), 1e-5, 1e-7, "SigLIP images, blockRows=" + blockRows);
            assertClose(numericGradient(texts, x -> e.evaluate(images, x, null, null, null, null, false).rowLoss().sumNumber().doubleValue()),
                    r.gradKeys(), 1e-5, 1e-7, "SigLIP texts, blockRows=" + blockRows);
        }
    }

    /** Central differences of {@code f} at every element of {@code x}. */
    static INDArray numericGradient(INDArray x, Function<INDArray, Double> f) {
        INDArray grad = x.ulike();
        INDArray probe = x.dup();
        for (long i = 0; i < x.length(); i++) {
            double v = x.getDouble(i);
            probe.putScalar(i, v + H);
            double plus = f.apply(probe);
            probe.putScalar(i, v - H);
            double minus = f.apply(probe);
            probe.putScalar(i, v);
            grad.putScalar(i, (plus - minus) / (2 * H));
        }
        return grad;
    }
}
