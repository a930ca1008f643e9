package dev.dl4jlosses.lossfunctions;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;

import dev.dl4jlosses.options.HardNegatives;
import dev.dl4jlosses.testing.DoublePrecision;
import dev.dl4jlosses.testing.Random;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/** DL4J's own GradientCheckUtil on small networks (float64) that end in each loss. */
class GradientCheckTest {

    private static final int N_IN = 5;
    private static final int BATCH = 8;

    static Stream<Arguments> pairwiseLosses() {
        return Stream.of(
                Arguments.of(new LossNTXent(0.5), Random.twoViewIds(4)),
                Arguments.of(LossNTXent.builder().temperature(0.2).normalize(false).build(), Random.ids(1, BATCH, 3)),
                Arguments.of(new LossSupCon(0.1), Random.ids(2, BATCH, 3)),
                Arguments.of(LossCircle.builder().margin(0.25).gamma(16).detachWeights(false).build(), Random.ids(3, BATCH, 3)),
                Arguments.of(LossSupCon.builder().hardNegatives(HardNegatives.topK(2)).build(), Random.ids(4, BATCH, 3)),
                Arguments.of(new LossSimple(), Random.ids(5, BATCH, 3)),
                Arguments.of(LossDCL.builder().weighted(true).temperature(0.3).build(), Random.twoViewIds(4)),
                Arguments.of(LossDebiasedContrastive.builder().build(), Random.ids(6, BATCH, 3)),
                Arguments.of(LossMultiSimilarity.builder().beta(10).build(), Random.ids(7, BATCH, 3)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pairwiseLosses")
    void multiLayerNetwork(ILossFunction loss, INDArray ids) {
        MultiLayerConfiguration conf = base().list()
                .layer(new DenseLayer.Builder().nIn(N_IN).nOut(6).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(loss).nIn(6).nOut(4).activation(Activation.IDENTITY).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        INDArray input = Random.gaussian(5, DataType.DOUBLE, BATCH, N_IN);
        assertTrue(DoublePrecision.check(() -> GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig().net(net).input(input)
                .labels(ids.castTo(DataType.DOUBLE)))), loss + " gradient check on a MultiLayerNetwork");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pairwiseLosses")
    void computationGraph(ILossFunction loss, INDArray ids) {
        ComputationGraphConfiguration conf = base().graphBuilder()
                .addInputs("in")
                .addLayer("hidden", new DenseLayer.Builder().nIn(N_IN).nOut(6).activation(Activation.TANH).build(), "in")
                .addLayer("out", new OutputLayer.Builder(loss).nIn(6).nOut(4).activation(Activation.IDENTITY).build(), "hidden")
                .setOutputs("out")
                .build();
        ComputationGraph net = new ComputationGraph(conf);
        net.init();
        INDArray input = Random.gaussian(6, DataType.DOUBLE, BATCH, N_IN);
        assertTrue(DoublePrecision.check(() -> GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(net)
                .inputs(new INDArray[] {input}).labels(new INDArray[] {ids.castTo(DataType.DOUBLE)}))),
                loss + " gradient check on a ComputationGraph");
    }

    @Test
    void infoNceTwoTowersWithMergeVertex() {
        for (LossInfoNCE loss : new LossInfoNCE[] {new LossInfoNCE(0.2), LossInfoNCE.builder().temperature(0.1).symmetric(true).build(),
                LossInfoNCE.builder().temperature(0.1).hardNegatives(HardNegatives.topK(2)).build()}) {
            ComputationGraphConfiguration conf = base().graphBuilder()
                    .addInputs("query", "key")
                    .addLayer("q", new DenseLayer.Builder().nIn(N_IN).nOut(4).activation(Activation.TANH).build(), "query")
                    .addLayer("k", new DenseLayer.Builder().nIn(N_IN).nOut(4).activation(Activation.TANH).build(), "key")
                    .addVertex("pair", new MergeVertex(), "q", "k")
                    .addLayer("loss", new LossLayer.Builder(loss).activation(Activation.IDENTITY).build(), "pair")
                    .setOutputs("loss")
                    .build();
            ComputationGraph net = new ComputationGraph(conf);
            net.init();
            INDArray[] inputs = {Random.gaussian(7, DataType.DOUBLE, 6, N_IN), Random.gaussian(8, DataType.DOUBLE, 6, N_IN)};
            INDArray ids = Nd4j.createFromArray(0.0, 0, 1, 2, 3, 4).reshape(6, 1);
            assertTrue(DoublePrecision.check(() -> GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(net).inputs(inputs)
                    .labels(new INDArray[] {ids}))), loss + " gradient check on two towers");
        }
    }

    @Test
    void infoNceMultiLayerNetwork() {
        MultiLayerConfiguration conf = base().list()
                .layer(new DenseLayer.Builder().nIn(N_IN).nOut(6).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(new LossInfoNCE(0.3)).nIn(6).nOut(8).activation(Activation.IDENTITY).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        assertTrue(DoublePrecision.check(() -> GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig().net(net)
                .input(Random.gaussian(9, DataType.DOUBLE, 6, N_IN)).labels(Nd4j.arange(6).castTo(DataType.DOUBLE).reshape(6, 1)))));
    }

    private static NeuralNetConfiguration.Builder base() {
        return new NeuralNetConfiguration.Builder().seed(42).dataType(DataType.DOUBLE).updater(new NoOp())
                .weightInit(WeightInit.XAVIER);
    }
}
