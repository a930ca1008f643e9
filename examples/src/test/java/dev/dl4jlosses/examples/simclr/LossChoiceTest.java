package dev.dl4jlosses.examples.simclr;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;

/** Every {@code --loss} choice builds on each front it offers and one training step changes the weights. */
class LossChoiceTest {

    private static final int IMAGES = 6;
    private static final int IN = 5;
    private static final int OUT = 4;

    /** Two views of {@link #IMAGES} images (view 1 rows, then view 2 rows), labelled as the example labels them. */
    private static DataSet batch(LossChoice choice) {
        INDArray views = Nd4j.rand(DataType.FLOAT, 2 * IMAGES, IN).subi(0.5);
        double[] labels = new double[2 * IMAGES];
        for (int i = 0; i < labels.length; i++) {
            int image = i % IMAGES;
            labels[i] = choice.usesClassLabels() ? image % 3 : image;
        }
        return new DataSet(views, Nd4j.createFromArray(labels).reshape(2 * IMAGES, 1).castTo(DataType.FLOAT));
    }

    private static double temperature(LossChoice choice) {
        return choice.usesTemperature() ? choice.defaultTemperature() : Double.NaN;
    }

    @ParameterizedTest
    @EnumSource(value = LossChoice.class, names = {"INFONCE", "NPAIRS", "SIGLIP"}, mode = EnumSource.Mode.EXCLUDE)
    void trainsAStepOnTheDl4jFront(LossChoice choice) {
        Nd4j.getRandom().setSeed(11);
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(12).updater(new Sgd(0.1)).list()
                .layer(new DenseLayer.Builder().nIn(IN).nOut(OUT).activation(Activation.TANH).build())
                .layer(new LossLayer.Builder(choice.dl4j(temperature(choice), null)).activation(Activation.IDENTITY).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        INDArray before = net.params().dup();
        net.fit(batch(choice));
        assertTrue(Double.isFinite(net.score()), choice + ": finite loss " + net.score());
        assertNotEquals(before, net.params(), choice + ": one step changes the weights");
    }

    @ParameterizedTest
    @EnumSource(LossChoice.class)
    void trainsAStepOnTheSameDiffFront(LossChoice choice) {
        Nd4j.getRandom().setSeed(13);
        SameDiff sd = SameDiff.create();
        SDVariable x = sd.placeHolder("x", DataType.FLOAT, -1, IN);
        SDVariable labels = sd.placeHolder("labels", DataType.FLOAT, -1, 1);
        SDVariable w = sd.var("w", Nd4j.rand(DataType.FLOAT, IN, OUT).subi(0.5));
        choice.sameDiff(sd, "loss", sd.math.tanh(x.mmul(w)), labels, temperature(choice), null);
        sd.setTrainingConfig(TrainingConfig.builder().updater(new Sgd(0.1)).dataSetFeatureMapping("x")
                .dataSetLabelMapping("labels").build());
        DataSet batch = batch(choice);
        INDArray before = w.getArr().dup();
        sd.fit(batch);
        double loss = sd.output(Map.of("x", batch.getFeatures(), "labels", batch.getLabels()), "loss").get("loss").getDouble(0);
        assertTrue(Double.isFinite(loss), choice + ": finite loss " + loss);
        assertNotEquals(before, w.getArr(), choice + ": one step changes the weights");
        if (choice == LossChoice.SIGLIP) {
            assertNotEquals(SigLipStart.BIAS, sd.getArrForVarName("loss_bias").getDouble(0), "the bias learns");
            assertNotEquals(SigLipStart.LOG_SCALE, sd.getArrForVarName("loss_log_t").getDouble(0), 1e-9, "the scale learns");
        }
    }

    @ParameterizedTest
    @EnumSource(value = LossChoice.class, names = {"INFONCE", "NPAIRS", "SIGLIP"})
    void twoTowerChoicesNeedTheSameDiffFront(LossChoice choice) {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> choice.dl4j(0.1, null)).getMessage()
                .contains("needs --front samediff"), choice.toString());
    }

    /** SigLIP's start (the paper's), as float32 variables hold it. */
    private static final class SigLipStart {
        static final double BIAS = -10;
        static final double LOG_SCALE = (float) Math.log(10);
    }
}
