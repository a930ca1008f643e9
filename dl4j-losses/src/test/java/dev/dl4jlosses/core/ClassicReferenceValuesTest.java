package dev.dl4jlosses.core;

import static dev.dl4jlosses.testing.Assertions.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dl4jlosses.core.eager.Blocking;
import dev.dl4jlosses.core.eager.CrossEvaluator;
import dev.dl4jlosses.core.eager.DistanceEvaluator;
import dev.dl4jlosses.core.eager.NDArrayOps;
import dev.dl4jlosses.core.engine.NoiseContrastiveEstimation;
import dev.dl4jlosses.core.math.BatchHardTripletKernel;
import dev.dl4jlosses.core.math.DistanceKernel;
import dev.dl4jlosses.core.math.LiftedStructureKernel;
import dev.dl4jlosses.core.math.MarginContrastiveKernel;
import dev.dl4jlosses.core.math.SoftmaxCrossEntropyKernel;
import dev.dl4jlosses.core.math.TripletMarginKernel;
import dev.dl4jlosses.testing.ReferenceCase;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The eager path of the classic losses against PyTorch reference values (float64) written by
 * {@code src/test/python/make_classic_reference_vectors.py}: row shares, loss, and gradients.
 */
class ClassicReferenceValuesTest {

    private static final double TOL = 1e-9;

    @ParameterizedTest
    @ValueSource(strings = {"contrastive_default", "contrastive_raw_m05_m3", "triplet_all_default", "triplet_all_raw_m1",
            "triplet_batchhard_default", "triplet_batchhard_raw_m05", "lifted_default", "lifted_raw_m2_m05"})
    void distanceLosses(String name) {
        ReferenceCase c = ReferenceCase.load(name);
        DistanceEvaluator.Result r = new DistanceEvaluator(kernel(c), c.flag("normalize"))
                .evaluate(c.array("embeddings"), c.array("labels"), null, true);
        assertClose(c.array("rowLoss"), r.rowLoss(), TOL, TOL, name + " row shares");
        assertClose(c.array("valid"), r.valid(), 0, 0, name + " valid anchors");
        assertClose(c.number("loss"), r.loss(), TOL, TOL, name + " loss");
        assertClose(c.array("grad_embeddings"), r.gradient(), TOL, TOL, name + " gradient");
    }

    /** float32 inputs are computed in float32 and returned as float32, close to the float64 reference. */
    @ParameterizedTest
    @ValueSource(strings = {"contrastive_default", "triplet_all_default", "triplet_batchhard_raw_m05", "lifted_raw_m2_m05"})
    void distanceLossesInFloat32(String name) {
        ReferenceCase c = ReferenceCase.load(name);
        DistanceEvaluator.Result r = new DistanceEvaluator(kernel(c), c.flag("normalize"))
                .evaluate(c.array("embeddings").castTo(DataType.FLOAT), c.array("labels"), null, true);
        assertEquals(DataType.FLOAT, r.gradient().dataType());
        assertClose(c.array("rowLoss"), r.rowLoss(), 1e-4, 1e-5, name + " float32 row shares");
        assertClose(c.array("grad_embeddings"), r.gradient(), 1e-4, 1e-5, name + " float32 gradient");
    }

    /** The kernel a reference case describes (by its name and parameters); shared with the SameDiff reference test. */
    public static DistanceKernel kernel(ReferenceCase c) {
        String name = c.toString();
        if (name.startsWith("contrastive")) {
            return new MarginContrastiveKernel(c.number("positiveMargin"), c.number("negativeMargin"));
        }
        if (name.startsWith("triplet")) {
            return c.flag("batchHard") ? new BatchHardTripletKernel(c.number("margin")) : new TripletMarginKernel(c.number("margin"));
        }
        return new LiftedStructureKernel(c.number("positiveMargin"), c.number("negativeMargin"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"npairs_cosine", "npairs_ids_dot"})
    void nPairs(String name) {
        ReferenceCase c = ReferenceCase.load(name);
        CrossEvaluator.Result r = new CrossEvaluator(SoftmaxCrossEntropyKernel.INSTANCE, c.flag("normalize"), 1.0, false, Blocking.DEFAULT)
                .evaluate(c.array("queries"), c.array("keys"), null, c.array("labels"), null, null, true);
        assertClose(c.array("rowLoss"), r.rowLoss(), TOL, TOL, name + " row losses");
        assertClose(c.array("grad_queries"), r.gradQueries(), TOL, TOL, name + " anchor gradient");
        assertClose(c.array("grad_keys"), r.gradKeys(), TOL, TOL, name + " positive gradient");
    }

    @ParameterizedTest
    @ValueSource(strings = {"nce_shared_dot", "nce_per_anchor_cosine_t02"})
    void nce(String name) {
        ReferenceCase c = ReferenceCase.load(name);
        NoiseContrastiveEstimation.Output<INDArray> r = NoiseContrastiveEstimation.evaluate(NDArrayOps.INSTANCE, c.array("anchors"),
                c.array("positives"), c.array("noise"), c.array("logNoisePositives"), c.array("logNoise").reshape(1, -1),
                (int) c.number("noisePerAnchor"), null, 1 / c.number("temperature"), c.flag("normalize"), true);
        assertClose(c.array("rowLoss"), r.rowLoss(), TOL, TOL, name + " row losses");
        assertClose(c.array("grad_anchors"), r.gradAnchors(), TOL, TOL, name + " anchor gradient");
        assertClose(c.array("grad_positives"), r.gradPositives(), TOL, TOL, name + " positive gradient");
        assertClose(c.array("grad_noise"), r.gradNoise(), TOL, TOL, name + " noise gradient");
    }
}
