package dev.dl4jlosses.lossfunctions;

import static dev.dl4jlosses.testing.Assertions.assertMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import dev.dl4jlosses.testing.DoublePrecision;
import dev.dl4jlosses.testing.Random;
import dev.dl4jlosses.testing.Training;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/**
 * The DL4J losses of the classic family: DL4J's GradientCheckUtil, JSON configuration and ModelSerializer round trips,
 * and bad input.
 */
class ClassicLossFunctionsTest {

    private static final int N_IN = 5;
    private static final int BATCH = 8;

    @TempDir
    Path dir;

    /** A loss, the width of the output layer that feeds it, and labels for a batch of 8. */
    static Stream<Arguments> losses() {
        INDArray ids = Random.ids(1, BATCH, 3);
        INDArray logQ = Nd4j.rand(DataType.DOUBLE, BATCH, 3).subi(3);   // NCE: k = 2 noise samples per anchor
        return Stream.of(
                Arguments.of(new LossContrastiveMargin(), 4, ids),
                Arguments.of(LossContrastiveMargin.builder().positiveMargin(0.2).negativeMargin(2).normalize(false).build(), 4, ids),
                Arguments.of(new LossTripletMargin(0.2), 4, ids),
                Arguments.of(LossTripletMargin.builder().margin(0.5).batchHard(true).normalize(false).build(), 4, ids),
                Arguments.of(new LossLiftedStructure(), 4, ids),
                Arguments.of(new LossNPairs(), 8, Nd4j.createFromArray(0.0, 0, 1, 2, 3, 4, 5, 6).reshape(BATCH, 1)),
                Arguments.of(new LossNCE(0.5, true), 12, logQ));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("losses")
    void gradientCheckOnAMultiLayerNetwork(ILossFunction loss, int nOut, INDArray labels) {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(42).dataType(DataType.DOUBLE)
                .updater(new NoOp()).weightInit(WeightInit.XAVIER).list()
                .layer(new DenseLayer.Builder().nIn(N_IN).nOut(6).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(loss).nIn(6).nOut(nOut).activation(Activation.IDENTITY).build())
                .build());
        net.init();
        INDArray input = Random.gaussian(5, DataType.DOUBLE, BATCH, N_IN);
        assertTrue(DoublePrecision.check(() -> GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig().net(net).input(input)
                .labels(labels))), loss + " gradient check on a MultiLayerNetwork");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("losses")
    void jsonConfigurationRoundTrip(ILossFunction loss, int nOut, INDArray labels) {
        MultiLayerConfiguration conf = config(loss, nOut);
        MultiLayerConfiguration back = MultiLayerConfiguration.fromJson(conf.toJson());
        assertEquals(conf, back);
        assertEquals(loss, ((OutputLayer) back.getConf(1).getLayer()).getLossFn());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("losses")
    void modelSerializerSaveReloadContinue(ILossFunction loss, int nOut, INDArray labels) throws Exception {
        DataSet batch = new DataSet(Random.gaussian(3, DataType.FLOAT, BATCH, 6), labels.castTo(DataType.FLOAT));
        MultiLayerNetwork uninterrupted = new MultiLayerNetwork(config(loss, nOut));
        uninterrupted.init();
        List<Double> expected = Training.scores(uninterrupted, List.of(batch), 6);
        MultiLayerNetwork first = new MultiLayerNetwork(config(loss, nOut));
        first.init();
        List<Double> actual = Training.scores(first, List.of(batch), 3);
        File file = dir.resolve("net.zip").toFile();
        ModelSerializer.writeModel(first, file, true);
        MultiLayerNetwork restored = ModelSerializer.restoreMultiLayerNetwork(file, true);
        actual.addAll(Training.scores(restored, List.of(batch), 3));
        assertEquals(expected, actual, "loss per step: uninterrupted vs saved after 3 steps and reloaded");
        assertTrue(expected.get(5) < expected.get(0), loss + ": loss decreases " + expected);
    }

    @Test
    void scoreIsTheLossAndRowsAreItsSharesTimesB() {
        INDArray z = Random.gaussian(7, DataType.DOUBLE, BATCH, 4);
        INDArray ids = Random.ids(8, BATCH, 3);
        LossTripletMargin loss = new LossTripletMargin();
        double score = loss.computeScore(ids, z, new ActivationIdentity(), null, true);
        INDArray rows = loss.computeScoreArray(ids, z, new ActivationIdentity(), null);
        assertEquals(score * BATCH, rows.sumNumber().doubleValue(), 1e-12);
        assertEquals(score * BATCH, loss.computeScore(ids, z, new ActivationIdentity(), null, false), 1e-12);
        assertTrue(score > 0);
    }

    @Test
    void badHyperParameters() {
        assertMessage(() -> new LossContrastiveMargin(0.5, 0.5), "negative margin", "0.5");
        assertMessage(() -> new LossContrastiveMargin(-0.1, 1), "positive margin", "-0.1");
        assertMessage(() -> new LossTripletMargin(0), "margin", "0.0");
        assertMessage(() -> new LossLiftedStructure(Double.POSITIVE_INFINITY, 0), "negative margin", "Infinity");
        assertMessage(() -> new LossNCE(0, false), "temperature", "0.0");
    }

    @Test
    void badInputNamesTheShapes() {
        ActivationIdentity identity = new ActivationIdentity();
        INDArray z = Nd4j.rand(DataType.FLOAT, 6, 4);
        assertMessage(() -> new LossTripletMargin().computeScore(Nd4j.zeros(5, 1), z, identity, null, true), "labels", "[5, 1]", "[6, 4]");
        assertMessage(() -> new LossContrastiveMargin().computeScoreArray(null, z, identity, null), "labels", "null");
        INDArray withNaN = z.dup();
        withNaN.putScalar(0, 1, Double.NaN);
        assertMessage(() -> new LossLiftedStructure().computeGradient(Nd4j.zeros(6, 1), withNaN, identity, null), "NaN", "[6, 4]");
        assertMessage(() -> new LossNPairs().computeScore(null, Nd4j.rand(DataType.FLOAT, 6, 5), identity, null, true), "odd", "[6, 5]");
        assertMessage(() -> new LossNCE().computeScore(Nd4j.zeros(6, 1), Nd4j.rand(DataType.FLOAT, 6, 9), identity, null, true),
                "[N, k+1]", "[6, 1]");
        assertMessage(() -> new LossNCE().computeScore(Nd4j.zeros(6, 3), Nd4j.rand(DataType.FLOAT, 6, 10), identity, null, true),
                "(k+2)", "k = 2", "[6, 10]");
    }

    private static MultiLayerConfiguration config(ILossFunction loss, int nOut) {
        return new NeuralNetConfiguration.Builder().seed(7).updater(new Adam(1e-2)).list()
                .layer(new DenseLayer.Builder().nIn(6).nOut(10).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(loss).nIn(10).nOut(nOut).activation(Activation.IDENTITY).build())
                .build();
    }
}
