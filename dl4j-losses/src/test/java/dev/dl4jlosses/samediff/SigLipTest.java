package dev.dl4jlosses.samediff;

import static dev.dl4jlosses.testing.Assertions.assertClose;
import static dev.dl4jlosses.testing.Assertions.assertMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.dl4jlosses.lossfunctions.LossSigLIP;
import dev.dl4jlosses.options.LogitScale;
import dev.dl4jlosses.options.SameIdPairs;
import dev.dl4jlosses.testing.DoublePrecision;
import dev.dl4jlosses.testing.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.autodiff.validation.GradCheckUtil;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.adapter.SingletonDataSetIterator;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Adam;

/**
 * SigLIP: the DL4J front ([N, 2d] = image | text, fixed t and b) and the SameDiff node give the same loss and
 * gradient for each treatment of same-id pairs, both are the definition written out pair by pair, and the node's
 * learnable log-scale and bias have their finite-difference gradients and survive save/load.
 */
class SigLipTest {

    private static final int N = 7;
    private static final int D = 3;
    /** Repeated ids, so that every {@link SameIdPairs} choice gives a different loss. */
    private static final double[] IDS = {0, 1, 0, 2, 1, 3, 0};
    private static final double H = 1e-6;

    @TempDir
    Path dir;

    private static INDArray output() {
        return Random.gaussian(71, DataType.DOUBLE, N, 2 * D);
    }

    private static INDArray idColumn() {
        return Nd4j.createFromArray(IDS).reshape(N, 1);
    }

    private static INDArray half(INDArray output, int which) {
        return output.get(NDArrayIndex.all(), NDArrayIndex.interval(which * D, (which + 1) * D)).dup();
    }

    @ParameterizedTest
    @EnumSource(SameIdPairs.class)
    void bothFrontsGiveTheSameLossAndGradient(SameIdPairs sameIdPairs) {
        INDArray output = output();
        LossSigLIP dl4j = LossSigLIP.builder().scale(5).bias(-2).sameIdPairs(sameIdPairs).build();
        INDArray rowLoss = dl4j.computeScoreArray(idColumn(), output, new ActivationIdentity(), null);
        INDArray gradient = dl4j.computeGradient(idColumn(), output, new ActivationIdentity(), null);

        SameDiff sd = SameDiff.create();
        sd.var("images", half(output, 0));
        sd.var("texts", half(output, 1));
        SDVariable loss = new SDSigLip(sd).sigLip("loss", sd.getVariable("images"), sd.getVariable("texts"),
                sd.constant(Nd4j.createFromArray(IDS).castTo(DataType.INT)), LogitScale.fixed(1 / 5.0), -2, sameIdPairs);
        assertClose(rowLoss.sumNumber().doubleValue() / N, loss.eval().getDouble(0), 1e-12, 1e-12,
                sameIdPairs + ": SameDiff = DL4J rows / N");
        Map<String, INDArray> grads = sd.calculateGradients(null, "images", "texts");
        assertClose(half(gradient, 0).div(N), grads.get("images"), 1e-10, 1e-12, sameIdPairs + ": image gradient");
        assertClose(half(gradient, 1).div(N), grads.get("texts"), 1e-10, 1e-12, sameIdPairs + ": text gradient");
    }

    @ParameterizedTest
    @EnumSource(SameIdPairs.class)
    void theRowsAreTheDefinitionPairByPair(SameIdPairs sameIdPairs) {
        double t = 4;
        double b = -1.5;
        INDArray output = output();
        INDArray rows = LossSigLIP.builder().scale(t).bias(b).sameIdPairs(sameIdPairs).build()
                .computeScoreArray(idColumn(), output, new ActivationIdentity(), null);
        INDArray images = unitRows(half(output, 0));
        INDArray texts = unitRows(half(output, 1));
        for (int i = 0; i < N; i++) {
            double expected = 0;
            for (int j = 0; j < N; j++) {
                double z = i == j ? 1 : IDS[i] != IDS[j] ? -1 : switch (sameIdPairs) {
                    case EXCLUDED -> 0;
                    case NEGATIVE -> -1;
                    case POSITIVE -> 1;
                };
                double logit = t * images.getRow(i).mul(texts.getRow(j)).sumNumber().doubleValue() + b;
                expected += z == 0 ? 0 : Math.log1p(Math.exp(-z * logit));
            }
            assertClose(expected, rows.getDouble(i, 0), 1e-12, 1e-12, sameIdPairs + ": row " + i);
        }
    }

    @Test
    void theOptionsDifferWhereIdsRepeat() {
        INDArray output = output();
        double excluded = score(SameIdPairs.EXCLUDED, output);
        assertNotEquals(excluded, score(SameIdPairs.NEGATIVE, output));
        assertNotEquals(excluded, score(SameIdPairs.POSITIVE, output));
        assertEquals(SameIdPairs.EXCLUDED, new LossSigLIP().getSameIdPairs(), "the documented default");
    }

    @ParameterizedTest
    @EnumSource(SameIdPairs.class)
    void learnableScaleAndBiasHaveTheFixedValueAndTheFiniteDifferenceGradients(SameIdPairs sameIdPairs) {
        double t = 6;
        double b = -3;
        SameDiff sd = learnableGraph(t, b, sameIdPairs);
        SameDiff fixed = SameDiff.create();
        INDArray output = output();
        SDVariable fixedLoss = new SDSigLip(fixed).sigLip("loss", fixed.var("images", half(output, 0)),
                fixed.var("texts", half(output, 1)), fixed.constant(Nd4j.createFromArray(IDS).castTo(DataType.INT)),
                LogitScale.fixed(1 / t), b, sameIdPairs);
        assertClose(fixedLoss.eval().getDouble(0), loss(sd), 1e-12, 1e-12, sameIdPairs + ": learnable vs fixed value");

        Map<String, INDArray> analytic = sd.calculateGradients(null, "log_t", "b");
        for (String parameter : new String[] {"log_t", "b"}) {
            double g = analytic.get(parameter).getDouble(0);
            assertClose(centralDifference(sd, parameter), g, 1e-6, 1e-9, sameIdPairs + ": ∂L/∂" + parameter);
            assertTrue(Math.abs(g) > 1e-3, sameIdPairs + ": a gradient that can fail the check, ∂L/∂" + parameter + " = " + g);
        }
        assertTrue(DoublePrecision.check(() -> GradCheckUtil.checkGradients(sd, Map.of(), 1e-6, 1e-5, 1e-8, false, false)),
                sameIdPairs + ": SameDiff gradient check of images, texts, log t and b");
    }

    @Test
    void aboveTheMaximumTheScaleIsClampedAndOnlyTheBiasLearns() {
        SameDiff sd = learnableGraph(LogitScale.DEFAULT_MAX_SCALE * Math.E, -3, SameIdPairs.EXCLUDED);
        Map<String, INDArray> g = sd.calculateGradients(null, "log_t", "b");
        assertEquals(0.0, g.get("log_t").getDouble(0), "no gradient while clamped");
        assertTrue(Math.abs(g.get("b").getDouble(0)) > 1e-3, "the bias still learns: " + g.get("b"));
    }

    @Test
    void thePaperInitialisationSavesLoadsAndContinuesTraining() throws Exception {
        SameDiff sd = SameDiff.create();
        SDVariable logT = SDSigLip.logScale(sd, "log_t");
        SDVariable bias = SDSigLip.bias(sd, "b");
        assertClose(Math.log(10), logT.eval().getDouble(0), 1e-6, 0, "log t starts at log 10");
        assertEquals(-10.0, bias.eval().getDouble(0), "b starts at -10");
        INDArray output = output().castTo(DataType.FLOAT);
        new SDSigLip(sd).sigLip("loss", sd.var("images", half(output, 0)), sd.var("texts", half(output, 1)), null,
                LogitScale.learnable(logT), bias, SameIdPairs.EXCLUDED);
        double before = loss(sd);
        File file = dir.resolve("siglip.fb").toFile();
        sd.save(file, true);
        SameDiff restored = SameDiff.load(file, true);
        assertEquals(before, restored.output(Map.of(), "loss").get("loss").getDouble(0), "loss after save/load");
        Map<String, INDArray> a = sd.calculateGradients(null, "log_t", "b");
        Map<String, INDArray> r = restored.calculateGradients(null, "log_t", "b");
        assertEquals(a.get("log_t"), r.get("log_t"), "∂L/∂log t after save/load");
        assertEquals(a.get("b"), r.get("b"), "∂L/∂b after save/load");
    }

    @Test
    void learnableScaleAndBiasTrainSaveReloadAndContinueIdentically() throws Exception {
        DataSet batch = new DataSet(Random.gaussian(91, DataType.FLOAT, 12, 6), Random.ids(92, 12, 12).reshape(12).castTo(DataType.FLOAT));
        List<double[]> expected = fit(twoTowerGraph(), batch, 6);
        SameDiff first = twoTowerGraph();
        List<double[]> actual = fit(first, batch, 3);
        File file = dir.resolve("siglip-training.fb").toFile();
        first.save(file, true);
        actual.addAll(fit(SameDiff.load(file, true), batch, 3));
        for (int step = 0; step < 6; step++) {
            assertArrayEquals(expected.get(step), actual.get(step), "loss, t and b before step " + step
                    + ": uninterrupted vs saved after 3 steps and reloaded");
        }
        assertTrue(expected.get(5)[0] < expected.get(0)[0], "the loss decreases: " + expected.get(0)[0] + " -> " + expected.get(5)[0]);
        assertNotEquals(expected.get(0)[1], expected.get(5)[1], "log t learns");
        assertNotEquals(expected.get(0)[2], expected.get(5)[2], "b learns");
    }

    @Test
    void theDl4jLossWorksInItsSmallerBudgetUnlessTold() {
        assertEquals(LossSigLIP.DEFAULT_MEMORY_BUDGET, new LossSigLIP().getMemoryBudgetBytes());
        assertEquals(1L << 30, LossSigLIP.builder().memoryBudgetBytes(1L << 30).build().getMemoryBudgetBytes());
    }

    /** Two linear towers over one input, learnable log t and b at the paper's initial values, Adam. */
    private static SameDiff twoTowerGraph() {
        SameDiff sd = SameDiff.create();
        SDVariable x = sd.placeHolder("x", DataType.FLOAT, -1, 6);
        SDVariable ids = sd.placeHolder("ids", DataType.FLOAT, -1);
        SDVariable images = x.mmul(sd.var("w_image", Random.gaussian(93, DataType.FLOAT, 6, 4)));
        SDVariable texts = x.mmul(sd.var("w_text", Random.gaussian(94, DataType.FLOAT, 6, 4)));
        new SDSigLip(sd).sigLip("loss", images, texts, ids, LogitScale.learnable(SDSigLip.logScale(sd, "log_t")),
                SDSigLip.bias(sd, "b"), SameIdPairs.EXCLUDED);
        sd.setTrainingConfig(TrainingConfig.builder().updater(new Adam(1e-2)).dataSetFeatureMapping("x")
                .dataSetLabelMapping("ids").build());
        return sd;
    }

    /** Fits {@code steps} times; returns (loss, log t, b) before each step. */
    private static List<double[]> fit(SameDiff sd, DataSet batch, int steps) {
        List<double[]> states = new ArrayList<>();
        for (int i = 0; i < steps; i++) {
            double loss = sd.output(Map.of("x", batch.getFeatures(), "ids", batch.getLabels()), "loss").get("loss").getDouble(0);
            states.add(new double[] {loss, sd.getArrForVarName("log_t").getDouble(0), sd.getArrForVarName("b").getDouble(0)});
            sd.fit(new SingletonDataSetIterator(batch), 1);
        }
        return states;
    }

    @Test
    void badArgumentsAreRefusedByName() {
        SameDiff sd = SameDiff.create();
        SDVariable x = sd.var("x", DataType.FLOAT, 4, 2);
        SDSigLip node = new SDSigLip(sd);
        assertMessage(() -> node.sigLip("l", x, x, null, LogitScale.fixed(0.1), sd.var("v", DataType.FLOAT, 2),
                SameIdPairs.EXCLUDED), "bias b", "scalar", "[2]");
        assertMessage(() -> node.sigLip("l", x, sd.var("y", DataType.FLOAT, 4, 3), 10, -10), "images", "texts", "[4, 3]");
        assertMessage(() -> node.sigLip("l", x, x, 0, -10), "scale t");
    }

    /** Images and texts of {@link #output()}, ids {@link #IDS}, {@code log t} and b trainable variables. */
    private static SameDiff learnableGraph(double t, double b, SameIdPairs sameIdPairs) {
        SameDiff sd = SameDiff.create();
        INDArray output = output();
        SDVariable logT = sd.var("log_t", Nd4j.scalar(Math.log(t)));
        new SDSigLip(sd).sigLip("loss", sd.var("images", half(output, 0)), sd.var("texts", half(output, 1)),
                sd.constant(Nd4j.createFromArray(IDS).castTo(DataType.INT)), LogitScale.learnable(logT),
                sd.var("b", Nd4j.scalar(b)), sameIdPairs);
        return sd;
    }

    private static double centralDifference(SameDiff sd, String parameter) {
        INDArray p = sd.getArrForVarName(parameter);
        double p0 = p.getDouble(0);
        p.assign(p0 + H);
        double plus = loss(sd);
        p.assign(p0 - H);
        double minus = loss(sd);
        p.assign(p0);
        return (plus - minus) / (2 * H);
    }

    private static double loss(SameDiff sd) {
        return sd.output(Map.of(), "loss").get("loss").getDouble(0);
    }

    private static double score(SameIdPairs sameIdPairs, INDArray output) {
        return LossSigLIP.builder().sameIdPairs(sameIdPairs).build()
                .computeScore(idColumn(), output, new ActivationIdentity(), null, true);
    }

    private static INDArray unitRows(INDArray x) {
        return x.divColumnVector(x.norm2(1).reshape(x.rows(), 1));
    }
}
