package dev.dl4jlosses.examples.eval;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.ViewIterator;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.ops.NDBase;
import org.nd4j.linalg.dataset.api.preprocessor.NormalizerStandardize;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The standard linear evaluation of a self-supervised encoder: multinomial logistic regression (one softmax layer,
 * small L2) fitted on frozen, standardised features of the labelled training split and scored on the held-out split.
 */
public final class LinearProbe {

    private static final int BATCH = 256;

    private final int epochs;
    private final long seed;

    public LinearProbe(int epochs, long seed) {
        this.epochs = epochs;
        this.seed = seed;
    }

    /** Top-1 accuracy on {@code testFeatures}; labels are int ids {@code [n]} in {@code 0..numClasses-1}. */
    public double accuracy(INDArray trainFeatures, INDArray trainLabels, INDArray testFeatures, INDArray testLabels, int numClasses) {
        DataSet train = new DataSet(trainFeatures.dup(), oneHot(trainLabels, numClasses));
        NormalizerStandardize standardize = new NormalizerStandardize();
        standardize.fit(train);
        standardize.transform(train);
        INDArray test = testFeatures.dup();
        standardize.transform(test);

        MultiLayerNetwork softmax = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(seed)
                .updater(new Adam(1e-2))
                .l2(1e-4)
                .weightInit(WeightInit.XAVIER)
                .list()
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(trainFeatures.size(1)).nOut(numClasses)
                        .activation(Activation.SOFTMAX).build())
                .build());
        softmax.init();
        for (int epoch = 0; epoch < epochs; epoch++) {
            train.shuffle(seed + epoch);
            softmax.fit(new ViewIterator(train, BATCH));
        }
        INDArray predicted = softmax.output(test, false).argMax(1);
        return accuracy(predicted, testLabels);
    }

    static double accuracy(INDArray predicted, INDArray labels) {
        return predicted.castTo(labels.dataType()).reshape(labels.length()).eq(labels.reshape(labels.length()))
                .castTo(DataType.DOUBLE).meanNumber().doubleValue();
    }

    private static INDArray oneHot(INDArray labels, int numClasses) {
        return new NDBase().oneHot(labels.reshape(labels.length()).castTo(DataType.INT), numClasses, -1, 1.0, 0.0)
                .castTo(DataType.FLOAT);
    }
}
