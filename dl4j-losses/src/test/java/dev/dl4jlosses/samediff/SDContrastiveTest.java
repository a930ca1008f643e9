package dev.dl4jlosses.samediff;

import static dev.dl4jlosses.testing.Assertions.assertClose;
import static dev.dl4jlosses.testing.Assertions.assertMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import dev.dl4jlosses.lossfunctions.LossCircle;
import dev.dl4jlosses.lossfunctions.LossInfoNCE;
import dev.dl4jlosses.lossfunctions.LossNTXent;
import dev.dl4jlosses.lossfunctions.LossSimple;
import dev.dl4jlosses.lossfunctions.LossSupCon;
import dev.dl4jlosses.options.HardNegatives;
import dev.dl4jlosses.samediff.NodeChecks.Case;
import dev.dl4jlosses.testing.DoublePrecision;
import dev.dl4jlosses.testing.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.autodiff.listeners.At;
import org.nd4j.autodiff.listeners.BaseListener;
import org.nd4j.autodiff.listeners.Loss;
import org.nd4j.autodiff.listeners.Operation;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.autodiff.validation.GradCheckUtil;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Adam;

/** The SameDiff nodes: gradient checks, parity with the DL4J front, training, save/load, and argument checks. */
class SDContrastiveTest {

    @TempDir
    Path dir;

    static Stream<Case> cases() {
        return Stream.of(
                new Case("ntXent", (c, v) -> c.ntXent("loss", v[0], v[1], 0.5), new LossNTXent(0.5)),
                new Case("ntXent dot", (c, v) -> c.ntXent("loss", v[0], v[1], 0.3, false),
                        LossNTXent.builder().temperature(0.3).normalize(false).build()),
                new Case("supCon", (c, v) -> c.supCon("loss", v[0], v[1], 0.1), new LossSupCon(0.1)),
                new Case("ntXent, top-3 negatives", (c, v) -> c.ntXent("loss", v[0], v[1], 0.5, true, HardNegatives.topK(3)),
                        LossNTXent.builder().hardNegatives(HardNegatives.topK(3)).build()),
                new Case("supCon, top 40% negatives", (c, v) -> c.supCon("loss", v[0], v[1], 0.2, true, HardNegatives.topFraction(0.4)),
                        LossSupCon.builder().temperature(0.2).hardNegatives(HardNegatives.topFraction(0.4)).build()),
                new Case("supCon, negatives with s >= -0.2", (c, v) -> c.supCon("loss", v[0], v[1], 0.2, true, HardNegatives.threshold(-0.2)),
                        LossSupCon.builder().temperature(0.2).hardNegatives(HardNegatives.threshold(-0.2)).build()),
                new Case("simple λ=0.5", (c, v) -> c.simple("loss", v[0], v[1], 0.5), new LossSimple(0.5)),
                new Case("circle", (c, v) -> c.circle("loss", v[0], v[1], 0.25, 32), new LossCircle(0.25, 32)),
                new Case("circle, α differentiated", (c, v) -> c.circle("loss", v[0], v[1], 0.25, 32, false),
                        LossCircle.builder().gamma(32).detachWeights(false).build()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void sameValuesAsTheDl4jFront(Case c) {
        INDArray z = Random.gaussian(21, DataType.DOUBLE, 12, 5);
        INDArray ids = Random.ids(22, 12, 4);
        SameDiff sd = SameDiff.create();
        SDVariable loss = c.node().apply(new SDContrastive(sd), new SDVariable[] {sd.var("z", z), sd.constant(ids)});
        INDArray rowLoss = c.dl4j().computeScoreArray(ids, z, new ActivationIdentity(), null);
        INDArray dl4jGradient = c.dl4j().computeGradient(ids, z, new ActivationIdentity(), null);
        double validAnchors = 12; // every id appears at least twice and there are four ids
        assertClose(rowLoss.sumNumber().doubleValue() / validAnchors, loss.eval().getDouble(0), 1e-10, 1e-12, c + " loss");
        assertClose(dl4jGradient.div(validAnchors), sd.calculateGradients(null, "z").get("z"), 1e-10, 1e-12, c + " gradient");
    }

    /** All but the default circle loss, whose gradient holds α constant and so is no derivative of its value. */
    static Stream<Case> differentiableCases() {
        return cases().filter(c -> !c.name().equals("circle"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("differentiableCases")
    void sameDiffGradientCheck(Case c) {
        assertTrue(NodeChecks.gradientCheckBehindTanhLayer(c.node(), 32, 31, 33), c + " gradient check");
    }

    @Test
    void infoNceGradientCheckAndParity() {
        INDArray q = Random.gaussian(41, DataType.DOUBLE, 6, 4);
        INDArray k = Random.gaussian(42, DataType.DOUBLE, 6, 4);
        INDArray ids = Nd4j.createFromArray(0.0, 0, 1, 2, 3, 4).reshape(6, 1);
        SameDiff sd = SameDiff.create();
        SDVariable loss = new SDContrastive(sd).infoNce("loss", sd.var("q", q), sd.var("k", k), sd.var("n", Random.gaussian(43, DataType.DOUBLE, 3, 4)),
                sd.constant(ids), 0.2, true);
        assertTrue(DoublePrecision.check(() -> GradCheckUtil.checkGradients(sd, Map.of(), 1e-6, 1e-5, 1e-8, false, false)),
                "InfoNCE gradient check");

        SameDiff plain = SameDiff.create();
        SDVariable plainLoss = new SDContrastive(plain).infoNce("loss", plain.var("q", q), plain.var("k", k), null, plain.constant(ids), 0.2, true);
        LossInfoNCE dl4j = LossInfoNCE.builder().temperature(0.2).symmetric(true).build();
        INDArray pairs = Nd4j.concat(1, q, k);
        assertClose(dl4j.computeScore(ids, pairs, new ActivationIdentity(), null, true), plainLoss.eval().getDouble(0), 1e-10, 1e-12, "InfoNCE loss");
        INDArray grad = dl4j.computeGradient(ids, pairs, new ActivationIdentity(), null).div(6);
        Map<String, INDArray> g = plain.calculateGradients(null, "q", "k");
        assertClose(grad.get(NDArrayIndex.all(), NDArrayIndex.interval(0, 4)), g.get("q"), 1e-10, 1e-12, "InfoNCE query gradient");
        assertClose(grad.get(NDArrayIndex.all(), NDArrayIndex.interval(4, 8)), g.get("k"), 1e-10, 1e-12, "InfoNCE key gradient");
        assertTrue(loss.eval().getDouble(0) > 0);
    }

    /** simClr takes the kernel's one-positive form (known from the graph's structure); ntXent the general one. */
    @Test
    void simClrEqualsNtXentWithTwoViewIdsInValueAndGradient() {
        INDArray v1 = Random.gaussian(51, DataType.DOUBLE, 5, 8);
        INDArray v2 = Random.gaussian(52, DataType.DOUBLE, 5, 8);
        SameDiff sd = SameDiff.create();
        SDVariable a = sd.var("a", v1.dup());
        SDVariable b = sd.var("b", v2.dup());
        SDVariable z = sd.var("z", Nd4j.concat(0, v1, v2));
        SDVariable two = new SDContrastive(sd).simClr("simclr", a, b, 0.5);
        SDVariable labelled = new SDContrastive(sd).ntXent("ntxent", z, sd.constant(Random.twoViewIds(5).castTo(DataType.DOUBLE)), 0.5);
        assertClose(labelled.eval().getDouble(0), two.eval().getDouble(0), 1e-12, 1e-14, "simClr vs ntXent");
        sd.setLossVariables(two, labelled);
        Map<String, INDArray> g = sd.calculateGradients(null, "a", "b", "z");
        assertClose(g.get("z"), Nd4j.concat(0, g.get("a"), g.get("b")), 1e-12, 1e-14, "simClr vs ntXent gradient");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void trainsSavesReloadsAndContinuesIdentically(Case c) throws Exception {
        DataSet batch = new DataSet(Random.gaussian(61, DataType.FLOAT, 12, 6), Random.ids(62, 12, 4).reshape(12).castTo(DataType.FLOAT));
        List<Double> expected = fit(graph(c), batch, 6);
        SameDiff first = graph(c);
        List<Double> actual = fit(first, batch, 3);
        File file = dir.resolve("graph.fb").toFile();
        first.save(file, true);
        SameDiff restored = SameDiff.load(file, true);
        actual.addAll(fit(restored, batch, 3));
        assertEquals(expected, actual, c + ": loss per step, uninterrupted vs saved after 3 steps and reloaded");
        assertTrue(expected.get(5) < expected.get(0), c + ": loss decreases " + expected);
    }

    @Test
    void halfPrecisionInputsAreComputedInFloatAndReturnedAsHalf() {
        INDArray z = Random.gaussian(71, DataType.FLOAT, 8, 4);
        SameDiff sd = SameDiff.create();
        SDVariable zh = sd.var("zh", z.castTo(DataType.HALF));
        SDVariable loss = new SDContrastive(sd).ntXent("loss", zh, sd.constant(Random.twoViewIds(4)), 0.1);
        assertEquals(DataType.HALF, loss.dataType());
        double expected = new LossNTXent(0.1).computeScore(Random.twoViewIds(4), z.castTo(DataType.HALF).castTo(DataType.FLOAT),
                new ActivationIdentity(), null, true);
        assertClose(expected, loss.eval().getDouble(0), 2e-3, 1e-3, "half-precision NT-Xent");
        assertEquals(DataType.HALF, sd.calculateGradients(null, "zh").get("zh").dataType());
    }

    @Test
    void nodesSitUnderTheirNameScope() {
        SameDiff sd = SameDiff.create();
        SDVariable x = sd.placeHolder("x", DataType.FLOAT, -1, 4);
        SDVariable ids = sd.placeHolder("ids", DataType.INT, -1);
        SDVariable loss = new SDContrastive(sd).supCon("mySupCon", x, ids, 0.1);
        assertEquals("mySupCon", loss.name());
        assertTrue(sd.ops().length > 10);
        for (var op : sd.ops()) {
            assertTrue(op.getOwnName().startsWith("mySupCon/"), "op outside the loss scope: " + op.getOwnName());
        }
        assertThrows(IllegalArgumentException.class, () -> new SDContrastive(sd).supCon("mySupCon", x, ids, 0.1));
    }

    @Test
    void badArgumentsAreRejectedWhenTheNodeIsBuilt() {
        SameDiff sd = SameDiff.create();
        SDContrastive c = new SDContrastive(sd);
        SDVariable z = sd.var("z", DataType.FLOAT, 6, 4);
        SDVariable ids = sd.constant(Nd4j.arange(5));
        assertMessage(() -> c.ntXent("a", z, sd.constant(Nd4j.arange(6)), 0), "temperature");
        assertMessage(() -> c.circle("b", z, sd.constant(Nd4j.arange(6)), 1.0, 256), "margin");
        assertMessage(() -> c.circle("c", z, sd.constant(Nd4j.arange(6)), 0.25, -1), "gamma");
        assertMessage(() -> c.supCon("d", z, ids, 0.1), "[5]");
        assertMessage(() -> c.ntXent("e", sd.var("v", DataType.FLOAT, 6), ids, 0.1), "2-D");
        assertMessage(() -> c.infoNce("f", z, sd.var("k", DataType.FLOAT, 6, 3), 0.1), "[6, 3]");
    }

    private static SameDiff graph(Case c) {
        SameDiff sd = SameDiff.create();
        SDVariable x = sd.placeHolder("x", DataType.FLOAT, -1, 6);
        SDVariable ids = sd.placeHolder("ids", DataType.FLOAT, -1);
        SDVariable w = sd.var("w", Random.gaussian(63, DataType.FLOAT, 6, 5).muli(0.5));
        SDVariable b = sd.var("b", Nd4j.zeros(DataType.FLOAT, 1, 5));
        c.node().apply(new SDContrastive(sd), new SDVariable[] {sd.nn.relu(x.mmul(w).add(b), 0).add(x.mmul(w).mul(0.1)), ids});
        sd.setTrainingConfig(TrainingConfig.builder().updater(new Adam(1e-2)).dataSetFeatureMapping("x")
                .dataSetLabelMapping("ids").build());
        return sd;
    }

    /** Fits {@code steps} times; returns the loss before each step, checking that training reports the same value. */
    private static List<Double> fit(SameDiff sd, DataSet batch, int steps) {
        List<Double> losses = new ArrayList<>();
        double[] reported = new double[1];
        BaseListener reporter = new BaseListener() {
            @Override
            public boolean isActive(Operation operation) {
                return operation == Operation.TRAINING;
            }

            @Override
            public void iterationDone(SameDiff graph, At at, org.nd4j.linalg.dataset.api.MultiDataSet data, Loss loss) {
                reported[0] = loss.getLosses()[loss.getLossNames().indexOf("loss")];
            }
        };
        for (int i = 0; i < steps; i++) {
            double before = sd.output(Map.of("x", batch.getFeatures(), "ids", batch.getLabels()), "loss").get("loss").getDouble(0);
            losses.add(before);
            sd.fit(new org.nd4j.linalg.dataset.adapter.SingletonDataSetIterator(batch), 1, reporter);
            assertClose(before, reported[0], 1e-6, 1e-7, "loss reported by sd.fit (listeners, History)");
        }
        return losses;
    }
}
