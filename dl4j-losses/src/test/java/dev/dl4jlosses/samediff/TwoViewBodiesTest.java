package dev.dl4jlosses.samediff;

import static dev.dl4jlosses.testing.Assertions.assertClose;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import dev.dl4jlosses.lossfunctions.LossInfoNCE;
import dev.dl4jlosses.lossfunctions.LossNTXent;
import dev.dl4jlosses.testing.DoublePrecision;
import dev.dl4jlosses.testing.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.autodiff.validation.GradCheckUtil;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Sgd;

/**
 * The two-view NT-Xent and one-to-one InfoNCE node bodies against the DL4J front, whose eager fast paths
 * ({@code TwoViewNTXent}, {@code OneToOneInfoNCE}) compute the same formulas (float64, 1e-9); SameDiff's gradient
 * checker on each; the temperatures they do not cover take the general body.
 */
class TwoViewBodiesTest {

    private static final int N = 7;
    private static final int D = 5;

    @ParameterizedTest(name = "tau = {0}")
    @ValueSource(doubles = {0.5, 0.1, 0.02})
    void simClrMatchesTheDl4jFrontsTwoViewPath(double tau) {
        INDArray v1 = Random.gaussian(71, DataType.DOUBLE, N, D);
        INDArray v2 = Random.gaussian(72, DataType.DOUBLE, N, D);
        SameDiff sd = SameDiff.create();
        SDVariable loss = new SDContrastive(sd).simClr("loss", sd.var("a", v1), sd.var("b", v2), tau);
        Map<String, INDArray> g = sd.calculateGradients(null, "a", "b");

        LossNTXent dl4j = new LossNTXent(tau);
        INDArray z = Nd4j.concat(0, v1, v2);
        INDArray ids = Random.twoViewIds(N);
        assertClose(dl4j.computeScore(ids, z, new ActivationIdentity(), null, true), loss.eval().getDouble(0), 1e-9, 1e-12,
                "simClr loss");
        INDArray grad = dl4j.computeGradient(ids, z, new ActivationIdentity(), null).div(2 * N);
        assertClose(grad, Nd4j.concat(0, g.get("a"), g.get("b")), 1e-9, 1e-12, "simClr gradient");
    }

    @ParameterizedTest(name = "symmetric = {0}")
    @ValueSource(booleans = {false, true})
    void infoNceMatchesTheDl4jFrontsOneToOnePath(boolean symmetric) {
        INDArray q = Random.gaussian(73, DataType.DOUBLE, N, D);
        INDArray k = Random.gaussian(74, DataType.DOUBLE, N, D);
        SameDiff sd = SameDiff.create();
        SDVariable loss = new SDContrastive(sd).infoNce("loss", sd.var("q", q), sd.var("k", k), null, null, 0.2, symmetric);
        Map<String, INDArray> g = sd.calculateGradients(null, "q", "k");

        LossInfoNCE dl4j = LossInfoNCE.builder().temperature(0.2).symmetric(symmetric).build();
        INDArray pairs = Nd4j.concat(1, q, k);
        INDArray ids = Nd4j.arange(N).castTo(DataType.DOUBLE).reshape(N, 1);
        assertClose(dl4j.computeScore(ids, pairs, new ActivationIdentity(), null, true), loss.eval().getDouble(0), 1e-9, 1e-12,
                "InfoNCE loss");
        INDArray grad = dl4j.computeGradient(ids, pairs, new ActivationIdentity(), null).div(N);
        assertClose(grad.get(NDArrayIndex.all(), NDArrayIndex.interval(0, D)), g.get("q"), 1e-9, 1e-12, "InfoNCE query gradient");
        assertClose(grad.get(NDArrayIndex.all(), NDArrayIndex.interval(D, 2 * D)), g.get("k"), 1e-9, 1e-12, "InfoNCE key gradient");
    }

    @Test
    void sameDiffsGradientCheckerAgreesBehindATanhLayer() {
        for (int node = 0; node < 3; node++) {
            SameDiff sd = SameDiff.create();
            SDVariable x = sd.var("x", Random.gaussian(75, DataType.DOUBLE, 2 * N, 4));
            SDVariable w = sd.var("w", Random.gaussian(76, DataType.DOUBLE, 4, D));
            SDVariable[] halves = sd.split(sd.math.tanh(x.mmul(w)), 2, 0);
            SDContrastive c = new SDContrastive(sd);
            String what = switch (node) {
                case 0 -> c.simClr("loss", halves[0], halves[1], 0.3).name();
                case 1 -> c.infoNce("loss", halves[0], halves[1], null, null, 0.3, false).name();
                default -> c.infoNce("loss", halves[0], halves[1], null, null, 0.3, true).name();
            };
            assertTrue(DoublePrecision.check(() -> GradCheckUtil.checkGradients(sd, Map.of(), 1e-6, 1e-5, 1e-8, false, false)),
                    "gradient check of node " + node + " (" + what + ")");
        }
    }

    /** At τ = 0.01 in float32 a sum over negatives could underflow (no row maximum): the general body, same loss. */
    @Test
    void temperaturesBeyondTheCosineBoundTakeTheGeneralBody() {
        assertTrue(TwoViewBodies.covers(DataType.FLOAT, 1 / 0.03));
        assertFalse(TwoViewBodies.covers(DataType.FLOAT, 1 / 0.01));
        assertTrue(TwoViewBodies.covers(DataType.DOUBLE, 1 / 0.01));
        INDArray v1 = Random.gaussian(77, DataType.FLOAT, N, D);
        INDArray v2 = Random.gaussian(78, DataType.FLOAT, N, D);
        SameDiff sd = SameDiff.create();
        SDVariable two = new SDContrastive(sd).simClr("simclr", sd.constant(v1), sd.constant(v2), 0.01);
        SDVariable labelled = new SDContrastive(sd).ntXent("ntxent", sd.constant(Nd4j.concat(0, v1, v2)),
                sd.constant(Random.twoViewIds(N)), 0.01);
        SameDiff covered = SameDiff.create();
        new SDContrastive(covered).simClr("simclr", covered.constant(v1), covered.constant(v2), 0.5);
        // the same call builds another body on each side of the bound: a different graph
        assertTrue(opsOf(covered, "simclr") != opsOf(sd, "simclr"), "the two-view body at tau = 0.5, the general at 0.01: "
                + opsOf(covered, "simclr") + " vs " + opsOf(sd, "simclr") + " ops");
        assertClose(labelled.eval().getDouble(0), two.eval().getDouble(0), 1e-5, 1e-6, "simClr vs ntXent at tau = 0.01");
    }

    /** Large enough that ND4J runs its multi-threaded loops (M2.1's matrix_set_diag crashed there), in float32. */
    @Test
    void trainsInFloat32AtBatchSizesOfRealTraining() {
        int n = 512;
        INDArray rows = Random.gaussian(79, DataType.FLOAT, 2 * n, 16);
        INDArray weights = Random.gaussian(80, DataType.FLOAT, 16, 16);
        SameDiff sd = SameDiff.create();
        SDVariable x = sd.placeHolder("x", DataType.FLOAT, -1, 16);
        SDVariable[] views = sd.split(x.mmul(sd.var("w", weights.dup())), 2, 0);
        new SDContrastive(sd).simClr("loss", views[0], views[1], 0.5);
        sd.setTrainingConfig(TrainingConfig.builder().updater(new Sgd(0.5)).dataSetFeatureMapping("x").markLabelsUnused().build());
        double before = sd.output(Map.of("x", rows), "loss").get("loss").getDouble(0);
        assertClose(new LossNTXent(0.5).computeScore(Random.twoViewIds(n).castTo(DataType.FLOAT), rows.mmul(weights),
                new ActivationIdentity(), null, true), before, 1e-5, 1e-6, "simClr loss at N = 512, float32");
        sd.fit(new org.nd4j.linalg.dataset.MultiDataSet(new INDArray[] {rows}, new INDArray[0]));
        assertTrue(sd.output(Map.of("x", rows), "loss").get("loss").getDouble(0) < before, "a gradient step lowers the loss");
    }

    private static long opsOf(SameDiff sd, String node) {
        return sd.getOps().keySet().stream().filter(op -> op.startsWith(node + "/")).count();
    }
}
