package dev.dl4jlosses.lossfunctions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import dev.dl4jlosses.options.HardNegatives;
import dev.dl4jlosses.options.SameIdPairs;
import dev.dl4jlosses.testing.Random;
import dev.dl4jlosses.testing.Training;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;

/** The DL4J losses survive DL4J's JSON configuration and ModelSerializer, and training resumes exactly. */
class SerializationTest {

    @TempDir
    Path dir;

    static Stream<ILossFunction> losses() {
        return Stream.of(
                new LossNTXent(),
                LossNTXent.builder().temperature(0.2).normalize(false).memoryBudgetBytes(1 << 20).blockRows(3).build(),
                new LossSupCon(0.07),
                LossCircle.builder().margin(0.3).gamma(64).detachWeights(false).build(),
                LossInfoNCE.builder().temperature(0.05).symmetric(true).build(),
                LossNTXent.builder().hardNegatives(HardNegatives.topK(2)).build(),
                LossSupCon.builder().hardNegatives(HardNegatives.threshold(-0.1)).build(),
                LossInfoNCE.builder().hardNegatives(HardNegatives.topFraction(0.5)).symmetric(true).build(),
                new LossSimple(0.5),
                LossDCL.builder().temperature(0.2).build(),
                LossDCL.builder().weighted(true).sigma(0.4).build(),
                LossDebiasedContrastive.builder().temperature(0.3).tauPlus(0.05).beta(0.5).build(),
                LossMultiSimilarity.builder().alpha(1).beta(20).base(0.4).mining(true).epsilon(0.05).build(),
                LossSigLIP.builder().scale(5).bias(-2).build(),
                LossSigLIP.builder().sameIdPairs(SameIdPairs.POSITIVE).build());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("losses")
    void jsonConfigurationRoundTrip(ILossFunction loss) {
        MultiLayerConfiguration conf = config(loss);
        MultiLayerConfiguration back = MultiLayerConfiguration.fromJson(conf.toJson());
        assertEquals(conf, back);
        assertEquals(loss, ((OutputLayer) back.getConf(1).getLayer()).getLossFn());
        assertNotEquals(new LossMCXENT(), ((OutputLayer) back.getConf(1).getLayer()).getLossFn());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("losses")
    void modelSerializerSaveReloadContinue(ILossFunction loss) throws Exception {
        DataSet batch = new DataSet(Random.gaussian(3, DataType.FLOAT, 8, 6),
                loss instanceof LossInfoNCE || loss instanceof LossSigLIP ? Random.ids(4, 8, 8).castTo(DataType.FLOAT) : Random.twoViewIds(4).castTo(DataType.FLOAT));
        MultiLayerNetwork uninterrupted = new MultiLayerNetwork(config(loss));
        uninterrupted.init();
        List<Double> expected = Training.scores(uninterrupted, List.of(batch), 6);

        MultiLayerNetwork first = new MultiLayerNetwork(config(loss));
        first.init();
        List<Double> actual = Training.scores(first, List.of(batch), 3);
        File file = dir.resolve("net.zip").toFile();
        ModelSerializer.writeModel(first, file, true);
        MultiLayerNetwork restored = ModelSerializer.restoreMultiLayerNetwork(file, true);
        assertEquals(loss, ((OutputLayer) restored.getLayerWiseConfigurations().getConf(1).getLayer()).getLossFn());
        actual.addAll(Training.scores(restored, List.of(batch), 3));
        assertEquals(expected, actual, "loss per step: uninterrupted vs saved after 3 steps and reloaded");
    }

    private static MultiLayerConfiguration config(ILossFunction loss) {
        return new NeuralNetConfiguration.Builder().seed(7).updater(new Adam(1e-2)).list()
                .layer(new DenseLayer.Builder().nIn(6).nOut(10).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(loss).nIn(10).nOut(4).activation(Activation.IDENTITY).build())
                .build();
    }
}
