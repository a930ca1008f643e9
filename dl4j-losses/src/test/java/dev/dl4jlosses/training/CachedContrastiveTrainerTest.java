package dev.dl4jlosses.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import dev.dl4jlosses.lossfunctions.LossCircle;
import dev.dl4jlosses.lossfunctions.LossInfoNCE;
import dev.dl4jlosses.lossfunctions.LossNTXent;
import dev.dl4jlosses.lossfunctions.LossSupCon;
import dev.dl4jlosses.testing.Assertions;
import dev.dl4jlosses.testing.Random;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/**
 * Two steps of cached-gradient training change the parameters as two steps of {@code fit} on the same batches do
 * (float64, 1e-8 relative to the update), for chunk sizes that divide the batch, that do not, and the whole batch.
 */
class CachedContrastiveTrainerTest {

    private static final int N_IN = 5;
    private static final int ROWS = 12;
    private static final int[] CHUNKS = {1, 4, 5, 7, ROWS};
    private static final double TOLERANCE = 1e-8;

    static Stream<Arguments> losses() {
        return Stream.of(
                Arguments.of(new LossNTXent(0.5), Random.twoViewIds(ROWS / 2), 4),
                Arguments.of(new LossSupCon(0.1), Random.ids(2, ROWS, 3), 4),
                Arguments.of(new LossInfoNCE(0.2), Random.ids(3, ROWS, ROWS), 8),
                Arguments.of(LossCircle.builder().gamma(16).build(), Random.ids(4, ROWS, 3), 4));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("losses")
    void multiLayerNetworkUpdateEqualsFit(ILossFunction loss, INDArray ids, int nOut) {
        List<DataSet> batches = List.of(new DataSet(Random.gaussian(11, DataType.DOUBLE, ROWS, N_IN), ids),
                new DataSet(Random.gaussian(12, DataType.DOUBLE, ROWS, N_IN), ids));
        MultiLayerNetwork reference = mlp(loss, nOut);
        INDArray before = reference.params().dup();
        List<Double> fitScores = new ArrayList<>();
        for (DataSet batch : batches) {
            reference.fit(batch);
            fitScores.add(reference.score());
        }
        for (int chunk : CHUNKS) {
            MultiLayerNetwork net = mlp(loss, nOut);
            CachedContrastiveTrainer trainer = new CachedContrastiveTrainer(chunk);
            List<Double> scores = new ArrayList<>();
            for (DataSet batch : batches) {
                scores.add(trainer.fit(net, batch));
                assertEquals(scores.get(scores.size() - 1), net.score(), 0.0, "the returned score is the network's");
            }
            String what = loss + ", chunks of " + chunk;
            assertSameUpdate(reference, net, before, what);
            assertEquals(fitScores.get(0), scores.get(0), 1e-12 * Math.abs(fitScores.get(0)), what);
            assertEquals(fitScores.get(1), scores.get(1), 1e-10 * Math.abs(fitScores.get(1)), what);
            assertEquals(reference.getIterationCount(), net.getIterationCount(), what);
            assertSame(loss, ((OutputLayer) net.getLayerWiseConfigurations().getConf(1).getLayer()).getLossFn(),
                    "the output layer holds its own loss again");
        }
    }

    static Stream<Arguments> graphLosses() {
        return losses().filter(a -> !(a.get()[0] instanceof LossInfoNCE));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("graphLosses")
    void computationGraphUpdateEqualsFit(ILossFunction loss, INDArray ids, int nOut) {
        MultiDataSet batch = new MultiDataSet(Random.gaussian(13, DataType.DOUBLE, ROWS, N_IN), ids);
        assertGraphUpdateEqualsFit(() -> graph(loss, nOut), batch, loss.toString());
    }

    /** InfoNCE's two towers, side by side in a merge vertex before the loss layer. */
    @Test
    void twoTowerGraphUpdateEqualsFit() {
        ILossFunction loss = LossInfoNCE.builder().temperature(0.2).symmetric(true).build();
        MultiDataSet batch = new MultiDataSet(new INDArray[] {Random.gaussian(14, DataType.DOUBLE, ROWS, N_IN),
                Random.gaussian(15, DataType.DOUBLE, ROWS, N_IN)}, new INDArray[] {Random.ids(5, ROWS, ROWS)});
        assertGraphUpdateEqualsFit(() -> twoTowers(loss), batch, "two towers, " + loss);
    }

    /** The running mean of batch normalisation moves as with fit: to the batch mean, the mean of the chunks' means. */
    @Test
    void batchNormRunningMeanMovesTowardsTheBatchMean() {
        DataSet batch = new DataSet(Random.gaussian(16, DataType.DOUBLE, ROWS, N_IN).addi(3), Random.twoViewIds(ROWS / 2));
        MultiLayerNetwork reference = withBatchNorm();
        reference.fit(batch);
        MultiLayerNetwork net = withBatchNorm();
        new CachedContrastiveTrainer(5).fit(net, batch);
        INDArray expected = reference.getParam("1_mean");
        assertTrue(expected.sub(withBatchNorm().getParam("1_mean")).amaxNumber().doubleValue() > 1e-3, "the mean moved");
        assertEquals(0, net.getParam("1_mean").sub(expected).amaxNumber().doubleValue(), 1e-12);
    }

    @Test
    void listenersHearOneIterationPerStep() {
        MultiLayerNetwork net = mlp(new LossNTXent(0.5), 4);
        int[] iterations = {0};
        net.setListeners(new BaseTrainingListener() {
            @Override
            public void iterationDone(Model model, int iteration, int epoch) {
                iterations[0]++;
            }
        });
        new CachedContrastiveTrainer(5).fit(net, new DataSet(Random.gaussian(17, DataType.DOUBLE, ROWS, N_IN),
                Random.twoViewIds(ROWS / 2)));
        assertEquals(1, iterations[0]);
    }

    @Test
    void dropoutIsRejected() {
        MultiLayerConfiguration conf = base().list()
                .layer(new DenseLayer.Builder().nIn(N_IN).nOut(6).activation(Activation.TANH).dropOut(0.8).build())
                .layer(new OutputLayer.Builder(new LossNTXent(0.5)).nIn(6).nOut(4).activation(Activation.IDENTITY).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        DataSet batch = new DataSet(Random.gaussian(18, DataType.DOUBLE, ROWS, N_IN), Random.twoViewIds(ROWS / 2));
        Assertions.assertMessage(() -> new CachedContrastiveTrainer(4).fit(net, batch),
                "dropout");
    }

    private static void assertGraphUpdateEqualsFit(java.util.function.Supplier<ComputationGraph> build, MultiDataSet batch,
                                                   String what) {
        ComputationGraph reference = build.get();
        INDArray before = reference.params().dup();
        reference.fit(batch);
        reference.fit(batch);
        for (int chunk : CHUNKS) {
            ComputationGraph graph = build.get();
            CachedContrastiveTrainer trainer = new CachedContrastiveTrainer(chunk);
            trainer.fit(graph, batch);
            double score = trainer.fit(graph, batch);
            assertSameUpdate(reference, graph, before, what + ", chunks of " + chunk);
            assertEquals(reference.score(), score, 1e-10 * Math.abs(score), what + ", chunks of " + chunk);
            assertEquals(reference.getIterationCount(), graph.getIterationCount());
        }
    }

    /** The parameters and the updater's state (momentum) moved alike from the same start. */
    private static void assertSameUpdate(Model reference, Model trained, INDArray before, String what) {
        INDArray expected = reference.params().sub(before);
        double error = trained.params().sub(before).sub(expected).amaxNumber().doubleValue();
        double scale = expected.amaxNumber().doubleValue();
        assertTrue(scale > 1e-4, what + ": the update is not negligible");
        assertTrue(error <= TOLERANCE * scale, what + ": update differs from fit's by " + error + " (largest change " + scale + ")");
        INDArray expectedState = updaterState(reference);
        double stateError = updaterState(trained).sub(expectedState).amaxNumber().doubleValue();
        assertTrue(stateError <= TOLERANCE * expectedState.amaxNumber().doubleValue(), what + ": updater state differs by " + stateError);
    }

    private static INDArray updaterState(Model model) {
        return model instanceof MultiLayerNetwork m ? m.getUpdater().getStateViewArray()
                : ((ComputationGraph) model).getUpdater().getStateViewArray();
    }

    private static MultiLayerNetwork mlp(ILossFunction loss, int nOut) {
        MultiLayerNetwork net = new MultiLayerNetwork(base().list()
                .layer(new DenseLayer.Builder().nIn(N_IN).nOut(6).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(loss).nIn(6).nOut(nOut).activation(Activation.IDENTITY).build())
                .build());
        net.init();
        return net;
    }

    private static MultiLayerNetwork withBatchNorm() {
        MultiLayerNetwork net = new MultiLayerNetwork(base().list()
                .layer(new DenseLayer.Builder().nIn(N_IN).nOut(6).activation(Activation.IDENTITY).build())
                .layer(new BatchNormalization.Builder().nOut(6).build())
                .layer(new OutputLayer.Builder(new LossNTXent(0.5)).nIn(6).nOut(4).activation(Activation.TANH).build())
                .build());
        net.init();
        return net;
    }

    private static ComputationGraph graph(ILossFunction loss, int nOut) {
        ComputationGraph graph = new ComputationGraph(base().graphBuilder()
                .addInputs("in")
                .addLayer("hidden_1", new DenseLayer.Builder().nIn(N_IN).nOut(6).activation(Activation.TANH).build(), "in")
                .addLayer("hidden_2", new DenseLayer.Builder().nIn(6).nOut(6).activation(Activation.RELU).build(), "hidden_1")
                .addLayer("out", new OutputLayer.Builder(loss).nIn(6).nOut(nOut).activation(Activation.IDENTITY).build(), "hidden_2")
                .setOutputs("out")
                .build());
        graph.init();
        return graph;
    }

    private static ComputationGraph twoTowers(ILossFunction loss) {
        ComputationGraph graph = new ComputationGraph(base().graphBuilder()
                .addInputs("query", "key")
                .addLayer("q", new DenseLayer.Builder().nIn(N_IN).nOut(4).activation(Activation.TANH).build(), "query")
                .addLayer("k", new DenseLayer.Builder().nIn(N_IN).nOut(4).activation(Activation.TANH).build(), "key")
                .addVertex("pair", new MergeVertex(), "q", "k")
                .addLayer("loss", new LossLayer.Builder(loss).activation(Activation.IDENTITY).build(), "pair")
                .setOutputs("loss")
                .build());
        graph.init();
        return graph;
    }

    private static NeuralNetConfiguration.Builder base() {
        return new NeuralNetConfiguration.Builder().seed(42).dataType(DataType.DOUBLE).updater(new Nesterovs(0.1, 0.9))
                .l2(1e-3).weightInit(WeightInit.XAVIER);
    }
}
