package dev.dl4jlosses.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Path;
import java.util.Map;

import dev.dl4jlosses.lossfunctions.LossInfoNCE;
import dev.dl4jlosses.lossfunctions.LossNTXent;
import dev.dl4jlosses.lossfunctions.LossSupCon;
import dev.dl4jlosses.lossfunctions.LossTripletMargin;
import dev.dl4jlosses.samediff.SDContrastive;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.weightinit.impl.XavierInitScheme;

/**
 * The library as a DL4J project uses it: from its jar, with the project's own nd4j backend and deeplearning4j-nn.
 * Each test trains a small encoder with a contrastive loss on generated data and checks that it learned: the loss
 * falls and nearest neighbours in the learned space share their class far above chance.
 */
class DownstreamTrainingIT {

    private static final int CLASSES = 8;
    private static final int DIM = 32;

    @TempDir
    Path dir;

    @Test
    void multiLayerNetworkLearnsWithNtXentAndSurvivesModelSerializer() throws Exception {
        SyntheticViews data = new SyntheticViews(1, CLASSES, DIM, 0.6, 0.3);
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(2).updater(new Adam(3e-3)).list()
                .layer(new DenseLayer.Builder().nIn(DIM).nOut(64).activation(Activation.RELU).build())
                .layer(new DenseLayer.Builder().nIn(64).nOut(32).activation(Activation.IDENTITY).build())
                .layer(new OutputLayer.Builder(new LossNTXent(0.2)).nIn(32).nOut(16).activation(Activation.IDENTITY).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        double first = 0;
        double last = 0;
        for (int step = 0; step < 150; step++) {
            INDArray samples = data.samples(randomClasses(64));
            INDArray views = Nd4j.concat(0, data.view(samples), data.view(samples));
            INDArray imageIds = Nd4j.concat(0, Nd4j.arange(64), Nd4j.arange(64)).castTo(DataType.FLOAT).reshape(128, 1);
            net.fit(new DataSet(views, imageIds));
            if (step == 0) {
                first = net.score();
            }
            last = net.score();
        }
        assertTrue(last < 0.8 * first, "NT-Xent loss should fall: " + first + " -> " + last);
        double accuracy = knnAccuracy(x -> net.feedForwardToLayer(1, x).get(2), data);
        assertTrue(accuracy > 0.8, "1-NN accuracy of the learned features " + accuracy + " (chance 1/" + CLASSES + ")");

        File file = dir.resolve("ntxent.zip").toFile();
        ModelSerializer.writeModel(net, file, true);
        MultiLayerNetwork restored = ModelSerializer.restoreMultiLayerNetwork(file, true);
        INDArray probe = data.samples(data.classIds(16));
        assertEquals(net.output(probe), restored.output(probe));
    }

    @Test
    void multiLayerNetworkLearnsClassesWithBatchHardTripletLoss() {
        SyntheticViews data = new SyntheticViews(5, CLASSES, DIM, 0.6, 0.3);
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(6).updater(new Adam(3e-3)).list()
                .layer(new DenseLayer.Builder().nIn(DIM).nOut(64).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossTripletMargin.builder().margin(0.2).batchHard(true).build())
                        .nIn(64).nOut(16).activation(Activation.IDENTITY).build())
                .build());
        net.init();
        double first = 0;
        double last = 0;
        for (int step = 0; step < 150; step++) {
            INDArray classes = randomClasses(128);
            net.fit(new DataSet(data.view(data.samples(classes)), classes));
            if (step == 0) {
                first = net.score();
            }
            last = net.score();
        }
        assertTrue(last < 0.5 * first, "batch-hard triplet loss should fall: " + first + " -> " + last);
        double accuracy = knnAccuracy(x -> net.output(x), data);
        assertTrue(accuracy > 0.8, "1-NN accuracy of the learned embeddings " + accuracy + " (chance 1/" + CLASSES + ")");
    }

    @Test
    void computationGraphTwoTowersLearnWithInfoNce() {
        SyntheticViews data = new SyntheticViews(3, CLASSES, DIM, 0.6, 0.3);
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(4).updater(new Adam(3e-3)).graphBuilder()
                .addInputs("query", "key")
                .addLayer("q", new DenseLayer.Builder().nIn(DIM).nOut(32).activation(Activation.TANH).build(), "query")
                .addLayer("k", new DenseLayer.Builder().nIn(DIM).nOut(32).activation(Activation.TANH).build(), "key")
                .addVertex("pair", new MergeVertex(), "q", "k")
                .addLayer("loss", new LossLayer.Builder(LossInfoNCE.builder().temperature(0.1).symmetric(true).build())
                        .activation(Activation.IDENTITY).build(), "pair")
                .setOutputs("loss")
                .build();
        ComputationGraph net = new ComputationGraph(conf);
        net.init();
        double first = 0;
        double last = 0;
        for (int step = 0; step < 100; step++) {
            INDArray classes = randomClasses(64);
            INDArray samples = data.samples(classes);
            MultiDataSet batch = new MultiDataSet(new INDArray[] {data.view(samples), data.view(samples)},
                    new INDArray[] {classes});      // class ids: same-class keys are not negatives
            net.fit(batch);
            if (step == 0) {
                first = net.score();
            }
            last = net.score();
        }
        assertTrue(last < 0.8 * first, "InfoNCE loss should fall: " + first + " -> " + last);
        assertTrue(knnAccuracy(x -> net.feedForward(new INDArray[] {x, x}, false).get("q"), data) > 0.8);
    }

    @Test
    void sameDiffGraphTrainsWithSupConSavesAndReloads() throws Exception {
        SyntheticViews data = new SyntheticViews(5, CLASSES, DIM, 0.6, 0.3);
        SameDiff sd = SameDiff.create();
        SDVariable x = sd.placeHolder("x", DataType.FLOAT, -1, DIM);
        SDVariable ids = sd.placeHolder("ids", DataType.FLOAT, -1);
        SDVariable w1 = sd.var("w1", new XavierInitScheme('c', DIM, 64), DataType.FLOAT, DIM, 64);
        SDVariable w2 = sd.var("w2", new XavierInitScheme('c', 64, 16), DataType.FLOAT, 64, 16);
        SDVariable embedding = sd.nn.relu(x.mmul(w1), 0).mmul("embedding", w2);
        new SDContrastive(sd).supCon("loss", embedding, ids, LossSupCon.DEFAULT_TEMPERATURE);
        sd.setTrainingConfig(TrainingConfig.builder().updater(new Adam(3e-3)).dataSetFeatureMapping("x")
                .dataSetLabelMapping("ids").build());
        double first = Double.NaN;
        for (int step = 0; step < 100; step++) {
            INDArray classes = randomClasses(64);
            DataSet batch = new DataSet(data.view(data.samples(classes)), classes.reshape(64));
            if (step == 0) {
                first = sd.output(Map.of("x", batch.getFeatures(), "ids", batch.getLabels()), "loss").get("loss").getDouble(0);
            }
            sd.fit(batch);
        }
        INDArray probeIds = randomClasses(64);
        INDArray probe = data.samples(probeIds);
        double last = sd.output(Map.of("x", probe, "ids", probeIds.reshape(64)), "loss").get("loss").getDouble(0);
        assertTrue(last < 0.8 * first, "SupCon loss should fall: " + first + " -> " + last);
        assertTrue(knnAccuracy(in -> sd.output(Map.of("x", in), "embedding").get("embedding"), data) > 0.8);

        File file = dir.resolve("supcon.fb").toFile();
        sd.save(file, true);
        SameDiff restored = SameDiff.load(file, true);
        assertEquals(last, restored.output(Map.of("x", probe, "ids", probeIds.reshape(64)), "loss").get("loss").getDouble(0), 1e-6);
    }

    private static INDArray randomClasses(int n) {
        return Nd4j.rand(DataType.FLOAT, n, 1).muli(CLASSES).castTo(DataType.INT).castTo(DataType.FLOAT);
    }

    private static double knnAccuracy(java.util.function.Function<INDArray, INDArray> encoder, SyntheticViews data) {
        INDArray referenceIds = data.classIds(200);
        INDArray queryIds = data.classIds(200);
        return SyntheticViews.nearestNeighbourAccuracy(encoder.apply(data.samples(queryIds)), queryIds,
                encoder.apply(data.samples(referenceIds)), referenceIds);
    }
}
