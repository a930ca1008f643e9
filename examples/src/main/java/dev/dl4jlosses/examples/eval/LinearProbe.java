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
import org.nd4j.linalg.dataset.SplitTestAndTrain;
import org.nd4j.linalg.dataset.api.preprocessor.NormalizerStandardize;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import dev.dl4jlosses.examples.common.WarmupCosineSchedule;

/**
 * The standard linear evaluation of a self-supervised encoder: multinomial logistic regression (one softmax layer)
 * fitted on frozen, standardised features of the labelled training split and scored on the held-out split. The L2
 * penalty is chosen from {@link #L2_GRID} by accuracy on a validation fifth of the training split, then the probe is
 * refitted on all of it; Adam's rate decays along a cosine to zero. Both matter on wide features (thousands of
 * dimensions, a few thousand images): a fixed small penalty at a constant rate ends wherever the last steps left it,
 * a point of accuracy up or down between two seeds (README, linear probe).
 */
public final class LinearProbe {

    /** Candidate L2 coefficients (DL4J's: the penalty is {@code λ/2 · ||W||²}). */
    static final double[] L2_GRID = {1e-3, 1e-2, 1e-1};
    private static final double VALIDATION_FRACTION = 0.2;
    private static final double LEARNING_RATE = 1e-2;
    private static final int BATCH = 256;

    private final int epochs;
    private final long seed;

    public LinearProbe(int epochs, long seed) {
        if (epochs < 1) {
            throw new IllegalArgumentException("the linear probe needs at least one epoch; got " + epochs);
        }
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
        double l2 = chooseL2(train, numClasses);
        INDArray predicted = fit(train, l2, numClasses).output(test, false).argMax(1);
        return accuracy(predicted, testLabels);
    }

    /** The grid's penalty with the best validation accuracy (the larger one on ties: the simpler model). */
    private double chooseL2(DataSet train, int numClasses) {
        DataSet shuffled = train.copy();
        shuffled.shuffle(seed);
        int validation = (int) Math.max(1, Math.round(train.numExamples() * VALIDATION_FRACTION));
        if (validation >= train.numExamples()) {
            return L2_GRID[L2_GRID.length / 2];
        }
        SplitTestAndTrain split = shuffled.splitTestAndTrain(train.numExamples() - validation);
        double best = L2_GRID[0];
        double bestAccuracy = -1;
        for (double l2 : L2_GRID) {
            INDArray predicted = fit(split.getTrain(), l2, numClasses).output(split.getTest().getFeatures(), false).argMax(1);
            double accuracy = accuracy(predicted, split.getTest().getLabels().argMax(1));
            if (accuracy >= bestAccuracy) {
                best = l2;
                bestAccuracy = accuracy;
            }
        }
        return best;
    }

    private MultiLayerNetwork fit(DataSet train, double l2, int numClasses) {
        DataSet data = train.copy();
        int stepsPerEpoch = (data.numExamples() + BATCH - 1) / BATCH;
        MultiLayerNetwork softmax = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(seed)
                .updater(new Adam(new WarmupCosineSchedule(LEARNING_RATE, 0, epochs * stepsPerEpoch, 0)))
                .l2(l2)
                .weightInit(WeightInit.XAVIER)
                .list()
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(data.getFeatures().size(1)).nOut(numClasses)
                        .activation(Activation.SOFTMAX).build())
                .build());
        softmax.init();
        for (int epoch = 0; epoch < epochs; epoch++) {
            data.shuffle(seed + epoch);
            softmax.fit(new ViewIterator(data, BATCH));
        }
        return softmax;
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
