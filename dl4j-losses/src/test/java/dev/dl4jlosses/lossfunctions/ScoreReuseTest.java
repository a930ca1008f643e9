package dev.dl4jlosses.lossfunctions;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.function.UnaryOperator;

import dev.dl4jlosses.testing.Random;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;

/**
 * DL4J's output layer asks for each training step's score right after its gradient; the loss answers from that
 * gradient computation instead of evaluating itself again, but only for exactly the same inputs: any change gives the
 * freshly computed score.
 */
class ScoreReuseTest {

    private static final IActivation IDENTITY = new ActivationIdentity();

    private static INDArray pairs(int n) {
        INDArray ids = Nd4j.arange(n / 2).castTo(DataType.FLOAT).reshape(n / 2, 1);
        return Nd4j.concat(0, ids, ids);
    }

    /** What a loss of the same configuration that never reused anything computes. */
    private static INDArray fresh(ContrastiveLossFunction config, INDArray labels, INDArray preOutput, IActivation activation, INDArray mask) {
        return LossNTXent.builder().temperature(((LossNTXent) config).getTemperature()).build()
                .computeScoreArray(labels, preOutput, activation, mask);
    }

    @Test
    void aTrainingStepOfAnOutputLayerEvaluatesTheLossOnce() {
        LossNTXent loss = LossNTXent.builder().temperature(0.2).build();
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(3).updater(new Sgd(0.1)).list()
                .layer(new OutputLayer.Builder(loss).nIn(8).nOut(4).activation(Activation.IDENTITY).build()).build());
        net.init();
        DataSet batch = new DataSet(Random.gaussian(1, DataType.FLOAT, 16, 8), pairs(16));
        long before = loss.evaluations();
        net.fit(batch);
        assertEquals(1, loss.evaluations() - before, "fit: one evaluation for the gradient, the score reused");
        INDArray preOutput = batch.getFeatures().mmul(net.getParam("0_W").castTo(DataType.FLOAT)).addRowVector(net.getParam("0_b"));
        assertEquals(fresh(loss, pairs(16), preOutput, IDENTITY, null).sumNumber().doubleValue() / 16, net.score(batch), 1e-5,
                "the score of the updated network, evaluated afresh");
    }

    @Test
    void anyChangedInputGetsAFreshScore() {
        INDArray labels = pairs(12);
        INDArray x = Random.gaussian(2, DataType.FLOAT, 12, 5);
        INDArray mask = Nd4j.ones(DataType.FLOAT, 12, 1);
        List<UnaryOperator<INDArray>> changes = List.of(
                a -> { INDArray c = a.dup(); c.putScalar(7, 2, c.getDouble(7, 2) + 1e-3); return c; },
                a -> a.mul(1.0000001));
        LossNTXent loss = LossNTXent.builder().temperature(0.3).build();
        for (UnaryOperator<INDArray> change : changes) {
            loss.computeGradient(labels, x, IDENTITY, mask);
            INDArray changed = change.apply(x);
            assertEquals(fresh(loss, labels, changed, IDENTITY, mask), loss.computeScoreArray(labels, changed, IDENTITY, mask));
        }
        loss.computeGradient(labels, x, IDENTITY, mask);
        INDArray relabelled = labels.dup();
        relabelled.putScalar(0, 0, 5);
        assertEquals(fresh(loss, relabelled, x, IDENTITY, mask), loss.computeScoreArray(relabelled, x, IDENTITY, mask), "labels");
        INDArray masked = mask.dup();
        masked.putScalar(3, 0, 0);
        assertEquals(fresh(loss, labels, x, IDENTITY, masked), loss.computeScoreArray(labels, x, IDENTITY, masked), "mask");
        assertEquals(fresh(loss, labels, x, IDENTITY, null), loss.computeScoreArray(labels, x, IDENTITY, null), "no mask");
        assertEquals(fresh(loss, labels, x, new ActivationTanH(), mask), loss.computeScoreArray(labels, x, new ActivationTanH(), mask),
                "activation");
        INDArray doubled = x.castTo(DataType.DOUBLE);
        assertEquals(fresh(loss, labels, doubled, IDENTITY, mask), loss.computeScoreArray(labels, doubled, IDENTITY, mask), "type");

        long before = loss.evaluations();
        INDArray sameValues = x.dup();
        INDArray reused = loss.computeScoreArray(labels, sameValues, IDENTITY, mask);
        assertEquals(before, loss.evaluations(), "equal arrays, no new evaluation");
        assertEquals(fresh(loss, labels, x, IDENTITY, mask), reused);
        reused.addi(1);
        assertEquals(fresh(loss, labels, x, IDENTITY, mask), loss.computeScoreArray(labels, x, IDENTITY, mask),
                "a caller changing the returned array does not change the next answer");
    }

    @Test
    void aChangedMemoryQueueGetsAFreshScore() {
        INDArray labels = pairs(8);
        INDArray x = Random.gaussian(3, DataType.FLOAT, 8, 4);
        LossNTXent loss = LossNTXent.builder().temperature(0.5).memoryQueue(16).build();
        loss.computeGradient(labels, x, IDENTITY, null);
        long before = loss.evaluations();
        INDArray afterGradient = loss.computeScoreArray(labels, x, IDENTITY, null);
        assertEquals(before, loss.evaluations(), "the score right after the gradient sees the same queue");
        loss.getMemoryQueue().enqueue(Random.gaussian(4, DataType.FLOAT, 3, 4), Nd4j.createFromArray(10f, 11f, 12f).reshape(3, 1));
        INDArray afterEnqueue = loss.computeScoreArray(labels, x, IDENTITY, null);
        assertEquals(before + 1, loss.evaluations(), "new queue entries: evaluated again");
        assertEquals(true, afterEnqueue.sumNumber().doubleValue() > afterGradient.sumNumber().doubleValue(),
                "three more negatives raise every anchor's loss");
    }
}
