package dev.dl4jlosses.samediff;

import static dev.dl4jlosses.testing.Assertions.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import dev.dl4jlosses.options.LogitScale;
import dev.dl4jlosses.options.SameIdPairs;
import dev.dl4jlosses.testing.DoublePrecision;
import dev.dl4jlosses.testing.Random;
import dev.dl4jlosses.testing.ReferenceCase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.autodiff.validation.GradCheckUtil;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

/** Learnable temperature: value, gradient with respect to the log-scale, clamp, training, save/load. */
class LogitScaleTest {

    private static final double H = 1e-6;

    @TempDir
    Path dir;

    /** A loss node over (embeddings [10, 4], ids) with a given logit scale. */
    record Case(String name, Node node) {
        @Override
        public String toString() {
            return name;
        }

        SDVariable build(SameDiff sd, LogitScale scale) {
            SDVariable x = sd.var("x", Random.gaussian(32, DataType.DOUBLE, 10, 4));
            return node.build(sd, x, sd.constant("ids", Random.ids(33, 10, 3).reshape(10).castTo(DataType.INT)), scale);
        }
    }

    /** A loss node over embeddings {@code [10, 4]} and their ids. */
    interface Node {
        SDVariable build(SameDiff sd, SDVariable x, SDVariable ids, LogitScale scale);
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("ntXent", (sd, x, ids, s) -> new SDContrastive(sd).ntXent("loss", x, ids, s, true, null)),
                new Case("supCon dot product", (sd, x, ids, s) -> new SDContrastive(sd).supCon("loss", x, ids, s, false)),
                new Case("infoNce symmetric with negatives", (sd, x, ids, s) -> new SDContrastive(sd).infoNce("loss",
                        x, sd.var("k", Random.gaussian(4, DataType.DOUBLE, 10, 4)), sd.var("n", Random.gaussian(5, DataType.DOUBLE, 3, 4)),
                        ids, s, true)),
                new Case("sigLip b=-2", (sd, x, ids, s) -> new SDSigLip(sd).sigLip("loss", x,
                        sd.var("k", Random.gaussian(6, DataType.DOUBLE, 10, 4)), null, s, -2, SameIdPairs.EXCLUDED)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void learnableScaleHasTheFixedValueAndTheFiniteDifferenceGradient(Case c) {
        double temperature = 0.3;
        SameDiff sd = SameDiff.create();
        SDVariable t = sd.var("t", Nd4j.scalar(Math.log(1 / temperature)));
        SDVariable loss = c.build(sd, LogitScale.learnable(t));
        SameDiff fixed = SameDiff.create();
        SDVariable fixedLoss = c.build(fixed, LogitScale.fixed(temperature));
        assertClose(fixedLoss.eval().getDouble(0), loss.eval().getDouble(0), 1e-12, 1e-12, c + ": learnable vs fixed value");

        double analytic = sd.calculateGradients(null, "t").get("t").getDouble(0);
        INDArray tArr = sd.getArrForVarName("t");
        double t0 = tArr.getDouble(0);
        tArr.assign(t0 + H);
        double plus = sd.output(Map.of(), "loss").get("loss").getDouble(0);
        tArr.assign(t0 - H);
        double minus = sd.output(Map.of(), "loss").get("loss").getDouble(0);
        tArr.assign(t0);
        assertClose((plus - minus) / (2 * H), analytic, 1e-6, 1e-9, c + ": ∂L/∂log-scale");
        assertTrue(Math.abs(analytic) > 1e-3, c + ": a gradient that can fail the check " + analytic);
        assertTrue(DoublePrecision.check(() -> GradCheckUtil.checkGradients(sd, Map.of(), 1e-6, 1e-5, 1e-8, false, false)),
                c + ": SameDiff gradient check of all variables");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void aboveTheMaximumTheScaleIsClampedAndHasNoGradient(Case c) {
        for (double max : new double[] {LogitScale.DEFAULT_MAX_SCALE, 5}) {
            SameDiff sd = SameDiff.create();
            SDVariable t = sd.var("t", Nd4j.scalar(Math.log(max) + 0.5));
            LogitScale scale = max == LogitScale.DEFAULT_MAX_SCALE ? LogitScale.learnable(t) : LogitScale.learnable(t, max);
            SDVariable loss = c.build(sd, scale);
            SameDiff fixed = SameDiff.create();
            SDVariable fixedLoss = c.build(fixed, LogitScale.fixed(1 / max));
            assertClose(fixedLoss.eval().getDouble(0), loss.eval().getDouble(0), 1e-10, 1e-12, c + ": clamped at " + max);
            assertEquals(0.0, sd.calculateGradients(null, "t").get("t").getDouble(0), c + ": no gradient while clamped");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"clip_logit_scale_t007", "clip_logit_scale_clamped"})
    void clipAgainstPyTorch(String name) {
        ReferenceCase c = ReferenceCase.load(name);
        SameDiff sd = SameDiff.create();
        SDVariable t = sd.var("t", Nd4j.scalar(c.number("logScale")));
        new SDContrastive(sd).infoNce("loss", sd.var("q", c.array("queries")), sd.var("k", c.array("keys")), null, null,
                LogitScale.learnable(t, c.number("maxScale")), true);
        assertClose(c.number("meanLoss"), sd.output(Map.of(), "loss").get("loss").getDouble(0), 1e-9, 1e-9, name + " loss");
        Map<String, INDArray> g = sd.calculateGradients(null, "t", "q", "k");
        double pairs = 6;
        assertClose(c.number("grad_logScale") / pairs, g.get("t").getDouble(0), 1e-9, 1e-12, name + " ∂L/∂log-scale");
        assertClose(c.array("grad_queries").div(pairs), g.get("q"), 1e-9, 1e-9, name + " query gradient");
        assertClose(c.array("grad_keys").div(pairs), g.get("k"), 1e-9, 1e-9, name + " key gradient");
    }

    @Test
    void fitMovesTheScaleAndSaveLoadKeepsItAndTrainingContinuesIdentically() throws Exception {
        DataSet batch = new DataSet(Random.gaussian(61, DataType.FLOAT, 12, 6), Random.ids(62, 12, 4).reshape(12).castTo(DataType.FLOAT));
        SameDiff uninterrupted = graph();
        List<Double> expected = NodeChecks.lossesWhileFitting(uninterrupted, batch, 6);
        double t0 = Math.log(1 / 0.5);
        double t6 = uninterrupted.getArrForVarName("logit_scale").getDouble(0);
        assertTrue(Math.abs(t6 - t0) > 0.02, "the log-scale moves: " + t0 + " -> " + t6);
        assertTrue(expected.get(5) < expected.get(0), "loss decreases " + expected);

        SameDiff first = graph();
        List<Double> actual = NodeChecks.lossesWhileFitting(first, batch, 3);
        File file = dir.resolve("graph.fb").toFile();
        first.save(file, true);
        SameDiff restored = SameDiff.load(file, true);
        assertEquals(first.getArrForVarName("logit_scale").getDouble(0), restored.getArrForVarName("logit_scale").getDouble(0));
        actual.addAll(NodeChecks.lossesWhileFitting(restored, batch, 3));
        assertEquals(expected, actual, "loss per step, uninterrupted vs saved after 3 steps and reloaded");
        assertEquals(t6, restored.getArrForVarName("logit_scale").getDouble(0));
    }

    @Test
    void badArguments() {
        SameDiff sd = SameDiff.create();
        assertThrows(IllegalArgumentException.class, () -> LogitScale.learnable(sd.var("v", DataType.FLOAT, 2)));
        assertThrows(IllegalArgumentException.class, () -> LogitScale.learnable(sd.var("w", Nd4j.scalar(1f)), 0));
        assertThrows(IllegalArgumentException.class, () -> LogitScale.learnable(null));
        assertThrows(IllegalArgumentException.class, () -> LogitScale.fixed(-1));
        assertThrows(IllegalArgumentException.class, () -> LogitScale.variable(sd, "t", 0));
    }

    /** A small CLIP-like graph: a learnable temperature starting at τ = 0.5. */
    private static SameDiff graph() {
        SameDiff sd = SameDiff.create();
        SDVariable x = sd.placeHolder("x", DataType.FLOAT, -1, 6);
        SDVariable ids = sd.placeHolder("ids", DataType.FLOAT, -1);
        SDVariable w = sd.var("w", Random.gaussian(63, DataType.FLOAT, 6, 5).muli(0.5));
        SDVariable t = LogitScale.variable(sd, "logit_scale", 0.5);
        new SDContrastive(sd).supCon("loss", sd.math.tanh(x.mmul(w)), ids, LogitScale.learnable(t), true);
        sd.setTrainingConfig(TrainingConfig.builder().updater(new Adam(5e-2)).dataSetFeatureMapping("x")
                .dataSetLabelMapping("ids").build());
        return sd;
    }
}
