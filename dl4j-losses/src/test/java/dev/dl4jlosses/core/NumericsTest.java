package dev.dl4jlosses.core;

import static dev.dl4jlosses.testing.Assertions.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

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
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.BooleanIndexing;
import org.nd4j.linalg.indexing.conditions.Conditions;

/** Extreme temperatures and scales in float32, reduced-precision inputs, degenerate batches. */
class NumericsTest {

    enum Loss {
        NT_XENT(NTXentKernel.INSTANCE, 100), SUP_CON(SoftmaxCrossEntropyKernel.INSTANCE, 100),
        CIRCLE(new CircleKernel(0.25, 256, true), 1), DCL(DecoupledContrastiveKernel.UNWEIGHTED, 100),
        DCLW(DecoupledContrastiveKernel.weighted(0.5, 0.01), 100), HCL(new DebiasedContrastiveKernel(0.01, 0.1, 1), 100),
        MULTI_SIMILARITY(new MultiSimilarityKernel(2, 50, 0.5), 1);

        final ContrastiveKernel kernel;
        final double scale;

        Loss(ContrastiveKernel kernel, double scale) {
            this.kernel = kernel;
            this.scale = scale;
        }

        PairwiseEvaluator evaluator() {
            return new PairwiseEvaluator(kernel, null, true, scale, Blocking.DEFAULT);
        }
    }

    /**
     * τ = 0.01 (logits up to ±100) and γ = 256, on a batch where positives are far apart and negatives nearly equal:
     * exponentials of ±200 overflow float32 unless every log-sum-exp is shifted. float32 must match float64.
     */
    @ParameterizedTest
    @EnumSource(Loss.class)
    void float32AtTheExtremesMatchesFloat64(Loss loss) {
        INDArray z = Random.gaussian(81, DataType.DOUBLE, 16, 8);
        INDArray ids = Random.twoViewIds(8);
        z.getRow(8).assign(z.getRow(0).neg());                               // positive pair at s = -1
        z.getRow(1).assign(z.getRow(0).mul(1 + 1e-3));                       // a negative at s ≈ 1
        PairwiseEvaluator.Result exact = loss.evaluator().evaluate(z, ids, null, true);
        PairwiseEvaluator.Result single = loss.evaluator().evaluate(z.castTo(DataType.FLOAT), ids, null, true);
        assertFinite(single.rowLoss(), loss + " loss");
        assertFinite(single.gradient(), loss + " gradient");
        assertClose(exact.rowLoss(), single.rowLoss(), 1e-4, 1e-3, loss + " row losses float32 vs float64");
        assertClose(exact.gradient(), single.gradient(), 1e-3, 1e-3 * exact.gradient().amaxNumber().doubleValue(),
                loss + " gradient float32 vs float64");
    }

    /** SigLIP at t = 100, b = -10: logits ±110 in softplus and sigmoid, float32 against float64. */
    @Test
    void sigLipAtScale100InFloat32MatchesFloat64() {
        INDArray images = Random.gaussian(86, DataType.DOUBLE, 12, 8);
        INDArray texts = Random.gaussian(87, DataType.DOUBLE, 12, 8);
        texts.getRow(0).assign(images.getRow(0).neg());                          // a positive pair at s = -1
        texts.getRow(1).assign(images.getRow(0));                                // a negative at s = 1
        CrossEvaluator e = new CrossEvaluator(new SigmoidPairKernel(-10), true, 100, false, Blocking.DEFAULT);
        CrossEvaluator.Result exact = e.evaluate(images, texts, null, null, null, null, true);
        CrossEvaluator.Result single = e.evaluate(images.castTo(DataType.FLOAT), texts.castTo(DataType.FLOAT), null, null, null, null, true);
        assertFinite(single.rowLoss(), "SigLIP loss");
        assertFinite(single.gradQueries(), "SigLIP image gradient");
        assertClose(exact.rowLoss(), single.rowLoss(), 1e-4, 1e-3, "SigLIP row losses float32 vs float64");
        assertClose(exact.gradQueries(), single.gradQueries(), 1e-3, 1e-3 * exact.gradQueries().amaxNumber().doubleValue(),
                "SigLIP image gradient float32 vs float64");
    }

    @ParameterizedTest
    @EnumSource(value = DataType.class, names = {"HALF", "BFLOAT16"})
    void reducedPrecisionInputsAreComputedInFloatAndReturnedInTheirType(DataType type) {
        INDArray z = Random.gaussian(82, DataType.FLOAT, 8, 4).castTo(type);
        PairwiseEvaluator.Result r = Loss.NT_XENT.evaluator().evaluate(z, Random.twoViewIds(4), null, true);
        assertEquals(type, r.rowLoss().dataType());
        assertEquals(type, r.gradient().dataType());
        PairwiseEvaluator.Result reference = Loss.NT_XENT.evaluator().evaluate(z.castTo(DataType.FLOAT), Random.twoViewIds(4), null, true);
        assertClose(reference.rowLoss(), r.rowLoss(), 1e-2, 1e-2, type + " loss");
        assertClose(reference.gradient(), r.gradient(), 1e-2, 1e-2, type + " gradient");
    }

    @ParameterizedTest
    @EnumSource(Loss.class)
    void aZeroRowGivesFiniteValues(Loss loss) {
        INDArray z = Random.gaussian(83, DataType.FLOAT, 8, 4);
        z.getRow(2).assign(0);
        PairwiseEvaluator.Result r = loss.evaluator().evaluate(z, Random.twoViewIds(4), null, true);
        assertFinite(r.rowLoss(), loss + " loss");
        assertFinite(r.gradient(), loss + " gradient");
    }

    /** Multi-similarity counts an anchor with negatives only (pytorch-metric-learning's mean reducer): not here. */
    @ParameterizedTest
    @EnumSource(value = Loss.class, mode = EnumSource.Mode.EXCLUDE, names = "MULTI_SIMILARITY")
    void noValidAnchorGivesZeroLossAndZeroGradient(Loss loss) {
        INDArray z = Random.gaussian(84, DataType.FLOAT, 6, 4);
        for (INDArray ids : new INDArray[] {Nd4j.arange(6).reshape(6, 1), Nd4j.zeros(6, 1)}) {   // no positives / no negatives
            PairwiseEvaluator.Result r = loss.evaluator().evaluate(z, ids, null, true);
            assertEquals(0.0, r.meanLoss());
            assertEquals(0.0, r.rowLoss().amaxNumber().doubleValue());
            assertEquals(0.0, r.gradient().amaxNumber().doubleValue());
        }
    }

    @Test
    void infoNceWithoutNegativesGivesZero() {
        INDArray q = Random.gaussian(85, DataType.FLOAT, 1, 4);
        CrossEvaluator.Result r = new CrossEvaluator(SoftmaxCrossEntropyKernel.INSTANCE, true, 1 / 0.07, true, Blocking.DEFAULT)
                .evaluate(q, q.dup(), null, null, null, null, true);
        assertEquals(0.0, r.rowLoss().getDouble(0));
        assertEquals(0.0, r.gradQueries().amaxNumber().doubleValue());
    }

    static void assertFinite(INDArray a, String what) {
        assertFalse(BooleanIndexing.or(a, Conditions.isNan()) || BooleanIndexing.or(a, Conditions.isInfinite()), what + " not finite: " + a);
    }
}
