package dev.dl4jlosses.core;

import static dev.dl4jlosses.testing.Assertions.assertClose;

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
import dev.dl4jlosses.core.math.SimpleLossKernel;
import dev.dl4jlosses.core.math.SoftmaxCrossEntropyKernel;
import dev.dl4jlosses.testing.ReferenceCase;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The eager path against PyTorch reference values (float64): losses per anchor, mean, and gradients. */
class ReferenceValuesTest {

    private static final double RTOL = 1e-9;
    private static final double ATOL = 1e-9;

    @ParameterizedTest
    @ValueSource(strings = {"ntxent_simclr_t05", "ntxent_classes_t01", "ntxent_dot_t1", "ntxent_hard_topk3_t02"})
    void ntXent(String name) {
        ReferenceCase c = ReferenceCase.load(name);
        checkPairwise(c, NTXentKernel.INSTANCE, c.flag("normalize"), 1 / c.number("temperature"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"supcon_classes_t01", "supcon_simclr_t05", "supcon_dot_t1", "supcon_hard_threshold_t01",
            "supcon_hard_topfraction_t05"})
    void supCon(String name) {
        ReferenceCase c = ReferenceCase.load(name);
        checkPairwise(c, SoftmaxCrossEntropyKernel.INSTANCE, c.flag("normalize"), 1 / c.number("temperature"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"simple_classes_l1", "simple_simclr_l05"})
    void simple(String name) {
        ReferenceCase c = ReferenceCase.load(name);
        checkPairwise(c, new SimpleLossKernel(c.number("lambda")), true, 1.0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"circle_classes_default", "circle_classes_m04_g32"})
    void circle(String name) {
        ReferenceCase c = ReferenceCase.load(name);
        checkPairwise(c, new CircleKernel(c.number("margin"), c.number("gamma"), true), true, 1.0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"dcl_simclr_t01", "dcl_classes_t03", "dclw_simclr_t01_s05", "dclw_classes_t02_s03"})
    void decoupled(String name) {
        ReferenceCase c = ReferenceCase.load(name);
        double tau = c.number("temperature");
        checkPairwise(c, c.has("sigma") ? DecoupledContrastiveKernel.weighted(c.number("sigma"), tau)
                : DecoupledContrastiveKernel.UNWEIGHTED, true, 1 / tau);
    }

    @ParameterizedTest
    @ValueSource(strings = {"debiased_simclr_t05", "hcl_simclr_default", "hcl_classes_t02_b2", "hcl_simclr_bound_tp09"})
    void debiased(String name) {
        ReferenceCase c = ReferenceCase.load(name);
        double tau = c.number("temperature");
        checkPairwise(c, new DebiasedContrastiveKernel(tau, c.number("tauPlus"), c.number("beta")), true, 1 / tau);
    }

    @ParameterizedTest
    @ValueSource(strings = {"multisim_classes_default", "multisim_simclr_a1_b10_l03", "multisim_mined_classes_e01"})
    void multiSimilarity(String name) {
        ReferenceCase c = ReferenceCase.load(name);
        checkPairwise(c, c.has("epsilon") ? MultiSimilarityKernel.withMining(c.number("alpha"), c.number("beta"), c.number("base"),
                c.number("epsilon")) : new MultiSimilarityKernel(c.number("alpha"), c.number("beta"), c.number("base")), true, 1.0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"infonce_t007", "infonce_negatives_t05", "infonce_ids_symmetric_t02", "infonce_all_t01",
            "infonce_hard_topfraction_t01"})
    void infoNce(String name) {
        ReferenceCase c = ReferenceCase.load(name);
        CrossEvaluator.Result r = new CrossEvaluator(SoftmaxCrossEntropyKernel.INSTANCE, c.hardNegatives(), true, 1 / c.number("temperature"),
                c.flag("symmetric"), Blocking.DEFAULT)
                .evaluate(c.array("queries"), c.array("keys"), c.array("negatives"), c.array("labels"), null, null, true);
        assertClose(c.array("rowLoss"), r.rowLoss(), RTOL, ATOL, name + " row losses");
        assertClose(c.array("grad_queries"), r.gradQueries(), RTOL, ATOL, name + " query gradient");
        assertClose(c.array("grad_keys"), r.gradKeys(), RTOL, ATOL, name + " key gradient");
        if (c.has("negatives")) {
            assertClose(c.array("grad_negatives"), r.gradNegatives(), RTOL, ATOL, name + " negatives gradient");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"siglip_t10_bm10", "siglip_t100_bm5"})
    void sigLip(String name) {
        ReferenceCase c = ReferenceCase.load(name);
        for (int blockRows : new int[] {0, 4}) {
            CrossEvaluator.Result r = new CrossEvaluator(new SigmoidPairKernel(c.number("bias")), true, c.number("scale"), false,
                    new Blocking(Blocking.DEFAULT_MEMORY_BUDGET, blockRows)).evaluate(c.array("queries"), c.array("keys"), null,
                    null, null, null, true);
            assertClose(c.array("rowLoss"), r.rowLoss(), RTOL, ATOL, name + " row losses, blockRows=" + blockRows);
            assertClose(c.array("grad_queries"), r.gradQueries(), RTOL, ATOL, name + " image gradient, blockRows=" + blockRows);
            assertClose(c.array("grad_keys"), r.gradKeys(), RTOL, ATOL, name + " text gradient, blockRows=" + blockRows);
        }
    }

    private static void checkPairwise(ReferenceCase c, ContrastiveKernel kernel, boolean normalize, double scale) {
        for (int blockRows : new int[] {0, 3}) {
            PairwiseEvaluator.Result r = new PairwiseEvaluator(kernel, c.hardNegatives(), normalize, scale, new Blocking(Blocking.DEFAULT_MEMORY_BUDGET, blockRows))
                    .evaluate(c.array("embeddings"), c.array("labels"), null, true);
            String what = c.toString() + " blockRows=" + blockRows;
            assertClose(c.array("rowLoss"), r.rowLoss(), RTOL, ATOL, what + " row losses");
            assertClose(c.array("valid"), r.valid(), 0, 0, what + " valid anchors");
            assertClose(c.number("meanLoss"), r.meanLoss(), RTOL, ATOL, what + " mean loss");
            INDArray expectedGrad = c.array("grad_embeddings");
            assertClose(expectedGrad, r.gradient(), RTOL, ATOL, what + " gradient");
        }
    }
}
