package dev.dl4jlosses.samediff;

import static dev.dl4jlosses.testing.Assertions.assertClose;
import static dev.dl4jlosses.testing.Assertions.assertMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import dev.dl4jlosses.lossfunctions.LossContrastiveMargin;
import dev.dl4jlosses.lossfunctions.LossLiftedStructure;
import dev.dl4jlosses.lossfunctions.LossNCE;
import dev.dl4jlosses.lossfunctions.LossNPairs;
import dev.dl4jlosses.lossfunctions.LossTripletMargin;
import dev.dl4jlosses.samediff.NodeChecks.Case;
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
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Adam;

/** The SameDiff nodes of the classic losses: PyTorch reference values, parity with the DL4J front, save/load, checks. */
class SDClassicTest {

    private static final double TOL = 1e-9;

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"contrastive_default", "contrastive_raw_m05_m3", "triplet_all_default", "triplet_all_raw_m1",
            "triplet_batchhard_default", "triplet_batchhard_raw_m05", "lifted_default", "lifted_raw_m2_m05"})
    void distanceLossesMatchPyTorch(String name) {
        ReferenceCase c = ReferenceCase.load(name);
        SameDiff sd = SameDiff.create();
        SDVariable z = sd.var("z", c.array("embeddings"));
        SDVariable ids = sd.constant("ids", c.array("labels"));
        SDContrastive contrastive = new SDContrastive(sd);
        boolean normalize = c.flag("normalize");
        SDVariable loss;
        if (name.startsWith("contrastive")) {
            loss = contrastive.contrastiveMargin("loss", z, ids, c.number("positiveMargin"), c.number("negativeMargin"), normalize);
        } else if (name.startsWith("triplet")) {
            loss = contrastive.tripletMargin("loss", z, ids, c.number("margin"), c.flag("batchHard"), normalize);
        } else {
            loss = contrastive.liftedStructure("loss", z, ids, c.number("negativeMargin"), c.number("positiveMargin"), normalize);
        }
        assertClose(c.number("loss"), loss.eval().getDouble(0), TOL, TOL, name + " loss");
        assertClose(c.array("grad_embeddings"), sd.calculateGradients(null, "z").get("z"), TOL, TOL, name + " gradient");
    }

    @ParameterizedTest
    @ValueSource(strings = {"npairs_cosine", "npairs_ids_dot"})
    void nPairsMatchesPyTorch(String name) {
        ReferenceCase c = ReferenceCase.load(name);
        SameDiff sd = SameDiff.create();
        SDVariable ids = c.has("labels") ? sd.constant("ids", c.array("labels")) : null;
        SDVariable loss = new SDContrastive(sd).nPairs("loss", sd.var("a", c.array("queries")), sd.var("p", c.array("keys")), ids,
                c.flag("normalize"));
        double n = c.array("queries").rows();
        assertClose(c.number("meanLoss"), loss.eval().getDouble(0), TOL, TOL, name + " loss");
        Map<String, INDArray> g = sd.calculateGradients(null, "a", "p");
        assertClose(c.array("grad_queries").div(n), g.get("a"), TOL, TOL, name + " anchor gradient");
        assertClose(c.array("grad_keys").div(n), g.get("p"), TOL, TOL, name + " positive gradient");
    }

    @ParameterizedTest
    @ValueSource(strings = {"nce_shared_dot", "nce_per_anchor_cosine_t02"})
    void nceMatchesPyTorch(String name) {
        ReferenceCase c = ReferenceCase.load(name);
        SameDiff sd = SameDiff.create();
        SDVariable loss = new SDContrastive(sd).nce("loss", sd.var("a", c.array("anchors")), sd.var("p", c.array("positives")),
                sd.var("n", c.array("noise")), sd.constant(c.array("logNoisePositives")), sd.constant(c.array("logNoise")),
                (int) c.number("noisePerAnchor"), c.number("temperature"), c.flag("normalize"));
        double n = c.array("anchors").rows();
        assertClose(c.number("meanLoss"), loss.eval().getDouble(0), TOL, TOL, name + " loss");
        Map<String, INDArray> g = sd.calculateGradients(null, "a", "p", "n");
        assertClose(c.array("grad_anchors").div(n), g.get("a"), TOL, TOL, name + " anchor gradient");
        assertClose(c.array("grad_positives").div(n), g.get("p"), TOL, TOL, name + " positive gradient");
        assertClose(c.array("grad_noise").div(n), g.get("n"), TOL, TOL, name + " noise gradient");
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("contrastive margin", (c, v) -> c.contrastiveMargin("loss", v[0], v[1]), new LossContrastiveMargin()),
                new Case("contrastive margin, raw rows", (c, v) -> c.contrastiveMargin("loss", v[0], v[1], 0.5, 2, false),
                        LossContrastiveMargin.builder().positiveMargin(0.5).negativeMargin(2).normalize(false).build()),
                new Case("triplet, all", (c, v) -> c.tripletMargin("loss", v[0], v[1], 0.1), new LossTripletMargin(0.1)),
                new Case("triplet, batch-hard, raw rows", (c, v) -> c.tripletMargin("loss", v[0], v[1], 0.5, true, false),
                        LossTripletMargin.builder().margin(0.5).batchHard(true).normalize(false).build()),
                new Case("lifted structure", (c, v) -> c.liftedStructure("loss", v[0], v[1]), new LossLiftedStructure()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void sameValuesAsTheDl4jFront(Case c) {
        INDArray z = Random.gaussian(81, DataType.DOUBLE, 12, 5);
        INDArray ids = Random.ids(82, 12, 4);
        SameDiff sd = SameDiff.create();
        SDVariable loss = c.node().apply(new SDContrastive(sd), new SDVariable[] {sd.var("z", z), sd.constant(ids)});
        ActivationIdentity identity = new ActivationIdentity();
        assertClose(c.dl4j().computeScore(ids, z, identity, null, true), loss.eval().getDouble(0), 1e-10, 1e-12, c + " loss");
        assertClose(c.dl4j().computeGradient(ids, z, identity, null).div(12), sd.calculateGradients(null, "z").get("z"),
                1e-10, 1e-12, c + " gradient");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void sameDiffGradientCheck(Case c) {
        assertTrue(NodeChecks.gradientCheckBehindTanhLayer(c.node(), 86, 87, 88), c + " gradient check");
    }

    @Test
    void nceSameDiffGradientCheck() {
        SameDiff sd = SameDiff.create();
        SDVariable x = sd.var("x", Random.gaussian(89, DataType.DOUBLE, 4, 3));
        SDVariable a = sd.math.tanh(x.mmul(sd.var("wa", Random.gaussian(90, DataType.DOUBLE, 3, 5))));
        SDVariable p = sd.math.tanh(x.mmul(sd.var("wp", Random.gaussian(98, DataType.DOUBLE, 3, 5))));
        SDVariable noise = sd.var("noise", Random.gaussian(99, DataType.DOUBLE, 8, 5));
        new SDContrastive(sd).nce("loss", a, p, noise, sd.constant(Nd4j.valueArrayOf(new long[] {4}, -2.0, DataType.DOUBLE)),
                sd.constant(Nd4j.valueArrayOf(new long[] {8}, -3.0, DataType.DOUBLE)), 2, 0.5, true);
        assertTrue(DoublePrecision.check(() -> GradCheckUtil.checkGradients(sd, Map.of(), 1e-6, 1e-5, 1e-8, false, false)),
                "NCE gradient check");
    }

    @Test
    void nPairsAndNceSameValuesAsTheDl4jFront() {
        INDArray a = Random.gaussian(83, DataType.DOUBLE, 6, 4);
        INDArray p = Random.gaussian(84, DataType.DOUBLE, 6, 4);
        INDArray noise = Random.gaussian(85, DataType.DOUBLE, 12, 4);           // 2 per anchor
        INDArray ids = Nd4j.createFromArray(0.0, 0, 1, 2, 3, 4).reshape(6, 1);
        ActivationIdentity identity = new ActivationIdentity();

        SameDiff sd = SameDiff.create();
        SDVariable nPairs = new SDContrastive(sd).nPairs("nPairs", sd.var("a", a), sd.var("p", p), sd.constant(ids), true);
        INDArray pairs = Nd4j.concat(1, a, p);
        assertClose(new LossNPairs().computeScore(ids, pairs, identity, null, true), nPairs.eval().getDouble(0), 1e-10, 1e-12, "N-pair loss");
        INDArray grad = new LossNPairs().computeGradient(ids, pairs, identity, null).div(6);
        assertClose(grad, Nd4j.concat(1, sd.calculateGradients(null, "a", "p").get("a"), sd.calculateGradients(null, "a", "p").get("p")),
                1e-10, 1e-12, "N-pair gradient");

        INDArray logQ = Nd4j.rand(DataType.DOUBLE, 6, 3).subi(4);
        SameDiff nceGraph = SameDiff.create();
        SDVariable nce = new SDContrastive(nceGraph).nce("nce", nceGraph.var("a", a), nceGraph.var("p", p), nceGraph.var("n", noise),
                nceGraph.constant(logQ.getColumn(0).dup()), nceGraph.constant(logQ.get(NDArrayIndex.all(), NDArrayIndex.interval(1, 3)).dup().reshape(12)),
                2, 0.5, true);
        INDArray samples = Nd4j.concat(1, a, p, noise.reshape(6, 8));
        LossNCE dl4j = new LossNCE(0.5, true);
        assertClose(dl4j.computeScore(logQ, samples, identity, null, true), nce.eval().getDouble(0), 1e-10, 1e-12, "NCE loss");
        Map<String, INDArray> g = nceGraph.calculateGradients(null, "a", "p", "n");
        assertClose(dl4j.computeGradient(logQ, samples, identity, null).div(6), Nd4j.concat(1, g.get("a"), g.get("p"), g.get("n").reshape(6, 8)),
                1e-10, 1e-12, "NCE gradient");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void trainsSavesReloadsAndContinuesIdentically(Case c) throws Exception {
        DataSet batch = new DataSet(Random.gaussian(91, DataType.FLOAT, 12, 6), Random.ids(92, 12, 4).reshape(12).castTo(DataType.FLOAT));
        List<Double> expected = NodeChecks.lossesWhileFitting(graph(c), batch, 6);
        SameDiff first = graph(c);
        List<Double> actual = NodeChecks.lossesWhileFitting(first, batch, 3);
        File file = dir.resolve("graph.fb").toFile();
        first.save(file, true);
        actual.addAll(NodeChecks.lossesWhileFitting(SameDiff.load(file, true), batch, 3));
        assertEquals(expected, actual, c + ": loss per step, uninterrupted vs saved after 3 steps and reloaded");
        assertTrue(expected.get(5) < expected.get(0), c + ": loss decreases " + expected);
    }

    @Test
    void nceWithLearnedNoiseEmbeddingsSavesAndReloads() throws Exception {
        // word2vec-style: anchors and positives from two projections of the input, noise embeddings a trained table
        DataSet batch = new DataSet(Random.gaussian(93, DataType.FLOAT, 8, 6), Nd4j.zeros(DataType.FLOAT, 8));
        List<Double> expected = NodeChecks.lossesWhileFitting(nceGraph(), batch, 6);
        SameDiff first = nceGraph();
        List<Double> actual = NodeChecks.lossesWhileFitting(first, batch, 3);
        File file = dir.resolve("nce.fb").toFile();
        first.save(file, true);
        actual.addAll(NodeChecks.lossesWhileFitting(SameDiff.load(file, true), batch, 3));
        assertEquals(expected, actual, "NCE: loss per step, uninterrupted vs saved and reloaded");
        assertTrue(expected.get(5) < expected.get(0), "NCE loss decreases " + expected);
    }

    @Test
    void badArgumentsAreRejectedWhenTheNodeIsBuilt() {
        SameDiff sd = SameDiff.create();
        SDContrastive c = new SDContrastive(sd);
        SDVariable z = sd.var("z", DataType.FLOAT, 6, 4);
        SDVariable ids = sd.constant(Nd4j.arange(6));
        assertMessage(() -> c.contrastiveMargin("a", z, ids, 1, 0.5, true), "negative margin", "0.5");
        assertMessage(() -> c.contrastiveMargin("b", z, ids, -1, 1, true), "positive margin", "-1");
        assertMessage(() -> c.tripletMargin("c", z, ids, 0), "margin", "0.0");
        assertMessage(() -> c.liftedStructure("d", z, ids, Double.NaN, 0, true), "negative margin", "NaN");
        assertMessage(() -> c.tripletMargin("e", z, sd.constant(Nd4j.arange(5)), 0.1), "labels", "[5]");
        assertMessage(() -> c.liftedStructure("f", z, null), "labels");
        assertMessage(() -> c.nPairs("g", z, sd.var("k", DataType.FLOAT, 6, 3), null, true), "[6, 3]");
        assertMessage(() -> c.nce("h", z, z, sd.var("n", DataType.FLOAT, 3, 4), null, sd.constant(Nd4j.zeros(3)), 0, 1, false),
                "log noise probabilities", "positives");
        assertMessage(() -> c.nce("j", z, z, sd.var("n3", DataType.FLOAT, 10, 4), sd.constant(Nd4j.zeros(6)), sd.constant(Nd4j.zeros(10)),
                2, 1, false), "k = 2", "[10, 4]");
        assertMessage(() -> c.nce("i", z, z, sd.var("n2", DataType.FLOAT, 3, 4), sd.constant(Nd4j.zeros(6)), sd.constant(Nd4j.zeros(2)),
                0, 1, false), "[2]");
    }

    private static SameDiff graph(Case c) {
        SameDiff sd = SameDiff.create();
        SDVariable x = sd.placeHolder("x", DataType.FLOAT, -1, 6);
        SDVariable ids = sd.placeHolder("ids", DataType.FLOAT, -1);
        SDVariable w = sd.var("w", Random.gaussian(94, DataType.FLOAT, 6, 5).muli(0.5));
        c.node().apply(new SDContrastive(sd), new SDVariable[] {sd.math.tanh(x.mmul(w)), ids});
        return withTraining(sd);
    }

    private static SameDiff nceGraph() {
        SameDiff sd = SameDiff.create();
        SDVariable x = sd.placeHolder("x", DataType.FLOAT, -1, 6);
        sd.placeHolder("ids", DataType.FLOAT, -1);
        SDVariable anchors = x.mmul(sd.var("wa", Random.gaussian(95, DataType.FLOAT, 6, 4).muli(0.5)));
        SDVariable positives = x.mmul(sd.var("wp", Random.gaussian(96, DataType.FLOAT, 6, 4).muli(0.5)));
        SDVariable noise = sd.var("noise", Random.gaussian(97, DataType.FLOAT, 5, 4).muli(0.5));
        SDVariable logQ = sd.constant(Nd4j.valueArrayOf(new long[] {8}, Math.log(0.05), DataType.FLOAT));
        new SDContrastive(sd).nce("loss", anchors, positives, noise, logQ, sd.constant(Nd4j.valueArrayOf(new long[] {5}, Math.log(0.05),
                DataType.FLOAT)), 0, 1.0, false);
        return withTraining(sd);
    }

    private static SameDiff withTraining(SameDiff sd) {
        sd.setTrainingConfig(TrainingConfig.builder().updater(new Adam(1e-2)).dataSetFeatureMapping("x")
                .dataSetLabelMapping("ids").build());
        return sd;
    }
}
