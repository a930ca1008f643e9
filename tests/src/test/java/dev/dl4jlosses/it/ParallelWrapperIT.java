package dev.dl4jlosses.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import dev.dl4jlosses.lossfunctions.ContrastiveLossFunction;
import dev.dl4jlosses.lossfunctions.LossCircle;
import dev.dl4jlosses.lossfunctions.LossContrastiveMargin;
import dev.dl4jlosses.lossfunctions.LossInfoNCE;
import dev.dl4jlosses.lossfunctions.LossLiftedStructure;
import dev.dl4jlosses.lossfunctions.LossNCE;
import dev.dl4jlosses.lossfunctions.LossNPairs;
import dev.dl4jlosses.lossfunctions.LossNTXent;
import dev.dl4jlosses.lossfunctions.LossSimple;
import dev.dl4jlosses.lossfunctions.LossSupCon;
import dev.dl4jlosses.lossfunctions.LossTripletMargin;
import dev.dl4jlosses.options.MemoryQueue;
import org.deeplearning4j.datasets.iterator.ExistingDataSetIterator;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.parallelism.ParallelWrapper;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/**
 * Every DL4J loss trains under DL4J's multi-device path, {@code ParallelWrapper} (2 workers on the CPU, parameter
 * averaging), whose replicas are built from the network's JSON configuration: the loss falls on a held-out batch,
 * and the trained model saves, reloads and scores as the one in memory. It also shows that ParallelWrapper runs
 * without the all-OS native artifacts excluded in this module's pom.
 */
class ParallelWrapperIT {

    private static final int CLASSES = 8;
    private static final int DIM = 16;
    private static final int ROWS = 32;
    private static final int BATCHES = 24;
    private static final int NOISE = 3;

    @TempDir
    Path dir;

    /** A loss, and how its batches are laid out: one embedding per row, two towers side by side, or NCE's k + 2. */
    enum Layout { PAIRWISE, TWO_TOWER, NCE }

    static Stream<Arguments> losses() {
        return Stream.of(
                Arguments.of(new LossNTXent(0.2), Layout.PAIRWISE),
                Arguments.of(LossNTXent.builder().temperature(0.2).memoryQueue(64).build(), Layout.PAIRWISE),
                Arguments.of(new LossSupCon(0.1), Layout.PAIRWISE),
                Arguments.of(LossCircle.builder().gamma(32).build(), Layout.PAIRWISE),
                Arguments.of(new LossSimple(), Layout.PAIRWISE),
                Arguments.of(new LossContrastiveMargin(), Layout.PAIRWISE),
                Arguments.of(new LossTripletMargin(0.2), Layout.PAIRWISE),
                Arguments.of(new LossLiftedStructure(), Layout.PAIRWISE),
                Arguments.of(new LossInfoNCE(0.2), Layout.TWO_TOWER),
                Arguments.of(new LossNPairs(), Layout.TWO_TOWER),
                Arguments.of(new LossNCE(), Layout.NCE));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("losses")
    void trainsWithTwoWorkersAndReloads(ILossFunction loss, Layout layout) throws Exception {
        SyntheticViews data = new SyntheticViews(3, CLASSES, DIM, 0.6, 0.3);
        int inputs = layout == Layout.PAIRWISE ? 1 : layout == Layout.TWO_TOWER ? 2 : NOISE + 2;
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(4)
                .updater(new Adam(3e-3)).list()
                .layer(new DenseLayer.Builder().nIn(inputs * DIM).nOut(64).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(loss).nIn(64).nOut(inputs * 8L).activation(Activation.IDENTITY).build())
                .build());
        net.init();
        DataSet heldOut = batch(data, layout);
        double before = net.score(heldOut);
        List<DataSet> batches = new ArrayList<>();
        for (int i = 0; i < BATCHES; i++) {
            batches.add(batch(data, layout));
        }
        ParallelWrapper wrapper = new ParallelWrapper.Builder<>(net).workers(2).prefetchBuffer(2).averagingFrequency(2)
                .trainingMode(ParallelWrapper.TrainingMode.AVERAGING).build();
        try {
            wrapper.fit(new ExistingDataSetIterator(batches));
            wrapper.fit(new ExistingDataSetIterator(batches));
        } finally {
            wrapper.shutdown();
        }
        double after = net.score(heldOut);
        assertTrue(after < 0.95 * before, loss + ": held-out loss should fall, " + before + " -> " + after);

        File file = dir.resolve("model.zip").toFile();
        ModelSerializer.writeModel(net, file, true);
        MemoryQueue queue = lossOf(net).getMemoryQueue();
        if (queue != null) {
            // worker 0 trained net itself, so its loss holds the queue worker 0 filled; JSON keeps only its size
            ModelSerializer.addObjectToFile(file, "memoryQueue", queue);
        }
        MultiLayerNetwork restored = ModelSerializer.restoreMultiLayerNetwork(file, true);
        if (queue != null) {
            assertTrue(queue.size() > 0, "the queue was filled during training");
            lossOf(restored).getMemoryQueue().restore(ModelSerializer.getObjectFromFile(file, "memoryQueue"));
        }
        assertEquals(after, restored.score(heldOut), 1e-6 * Math.abs(after), loss + ": reloaded model's score");
        assertEquals(0, restored.output(heldOut.getFeatures()).sub(net.output(heldOut.getFeatures())).amaxNumber().doubleValue(),
                1e-6, loss + ": reloaded model's embeddings");
    }

    private static ContrastiveLossFunction lossOf(MultiLayerNetwork net) {
        return (ContrastiveLossFunction) ((OutputLayer) net.getLayerWiseConfigurations().getConf(1).getLayer()).getLossFn();
    }

    private static DataSet batch(SyntheticViews data, Layout layout) {
        INDArray classes = data.classIds(ROWS);
        INDArray samples = data.samples(classes);
        return switch (layout) {
            // two views of each sample, labelled by class
            case PAIRWISE -> new DataSet(Nd4j.concat(0, data.view(samples), data.view(samples)), Nd4j.concat(0, classes, classes));
            // query ‖ key: two views of a sample side by side, each pair its own id
            case TWO_TOWER -> new DataSet(Nd4j.hstack(data.view(samples), data.view(samples)),
                    Nd4j.arange(ROWS).castTo(DataType.FLOAT).reshape(ROWS, 1));
            // anchor ‖ positive ‖ k noise samples of other classes; labels log q = −log k (word2vec's negative sampling)
            case NCE -> {
                List<INDArray> parts = new ArrayList<>(List.of(data.view(samples), data.view(samples)));
                for (int j = 1; j <= NOISE; j++) {
                    parts.add(data.view(data.samples(classes.add(j).fmodi(CLASSES))));
                }
                yield new DataSet(Nd4j.hstack(parts.toArray(INDArray[]::new)),
                        Nd4j.valueArrayOf(new long[] {ROWS, NOISE + 1}, -Math.log(NOISE), DataType.FLOAT));
            }
        };
    }
}
