package dev.dl4jlosses.examples.simclr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.dl4jlosses.examples.common.LastLoss;
import dev.dl4jlosses.lossfunctions.LossNTXent;
import dev.dl4jlosses.samediff.SDContrastive;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;

/**
 * The encoder is one network on both fronts: the SameDiff graph's batch norm differentiates correctly in M2.1, and a
 * training step of each front from the same weights on the same batch gives the same weights and batch-norm averages.
 */
class EncoderTest {

    private static final Encoder TINY = new Encoder(1, 8, 8, 2, 5, 3);
    private static final int BATCH = 6;

    private static INDArray images() {
        Nd4j.getRandom().setSeed(11);
        return Nd4j.rand(DataType.DOUBLE, BATCH, 1, 8, 8);
    }

    private static INDArray pairIds() {
        return Nd4j.createFromArray(0.0, 1, 2, 0, 1, 2).reshape(BATCH, 1);
    }

    /**
     * Central differences against SameDiff's gradient for up to 20 entries of every weight of the training graph (batch
     * statistics), float64. (M2.1's GradCheckUtil fails on floating-point placeholders.)
     */
    @Test
    void trainingGraphGradientMatchesFiniteDifferencesForEveryWeight() {
        SameDiff sd = SameDiff.create();
        SDVariable z = TINY.defineSameDiff(sd, true, true, DataType.DOUBLE);
        Nd4j.getRandom().setSeed(5);
        sd.setLossVariables(sd.sum("loss", sd.math.tanh(z).mul(sd.constant(Nd4j.randn(DataType.DOUBLE, BATCH, 3))), true, 0, 1));
        sd.variables().stream().filter(v -> v.getVariableType() == VariableType.VARIABLE && v.name().endsWith("_gamma"))
                .forEach(v -> v.getArr().assign(Nd4j.rand(DataType.DOUBLE, v.getArr().shape()).addi(0.5)));
        Map<String, INDArray> feed = Map.of(Encoder.INPUT, images());

        List<String> weights = new ArrayList<>();
        sd.variables().stream().filter(v -> v.getVariableType() == VariableType.VARIABLE).forEach(v -> weights.add(v.name()));
        assertEquals(16, weights.size(), "weights: " + weights);
        Map<String, INDArray> gradients = sd.calculateGradients(feed, weights);
        for (String name : weights) {
            INDArray flat = sd.getVariable(name).getArr().reshape(-1);
            INDArray gradient = gradients.get(name).reshape(-1);
            double largest = 0;
            for (int i = 0; i < Math.min(flat.length(), 20); i++) {
                double original = flat.getDouble(i);
                flat.putScalar(i, original + 1e-6);
                double up = sd.output(feed, "loss").get("loss").getDouble(0);
                flat.putScalar(i, original - 1e-6);
                double down = sd.output(feed, "loss").get("loss").getDouble(0);
                flat.putScalar(i, original);
                double numeric = (up - down) / 2e-6;
                largest = Math.max(largest, Math.abs(numeric));
                assertEquals(numeric, gradient.getDouble(i), 1e-6 + 1e-5 * Math.abs(numeric), name + "[" + i + "]");
            }
            // a bias followed by batch norm shifts the batch and its mean alike, so its true gradient is zero
            boolean cancelledByBatchNorm = name.equals("0_b") || name.equals("4_b") || name.equals("9_b");
            assertTrue(cancelledByBatchNorm ? largest < 1e-6 : largest > 1e-4, name + ": largest gradient entry " + largest);
        }
    }

    @Test
    void oneTrainingStepIsTheSameOnBothFronts() {
        MultiLayerNetwork net = TINY.dl4jNetwork(new LossNTXent(), new Sgd(0.1), 0, 3, DataType.DOUBLE);
        SameDiff sd = SameDiff.create();
        SDVariable z = TINY.defineSameDiff(sd, true, true, DataType.DOUBLE);
        SDVariable labels = sd.placeHolder("labels", DataType.DOUBLE, -1, 1);
        new SDContrastive(sd).ntXent("loss", z, labels, LossNTXent.DEFAULT_TEMPERATURE);
        Encoder.copyInto(sd, Encoder.parameters(net, Integer.MAX_VALUE));
        sd.setTrainingConfig(TrainingConfig.builder().updater(new Sgd(0.1))
                .dataSetFeatureMapping(Encoder.INPUT).dataSetLabelMapping("labels").build());
        LastLoss lastLoss = new LastLoss("loss");
        sd.addListeners(lastLoss, new BatchNormStatistics());

        DataSet batch = new DataSet(images(), pairIds());
        net.fit(batch);
        sd.fit(batch);
        assertEquals(net.score(), lastLoss.value(), 1e-9, "the loss of the step");
        Map<String, INDArray> dl4j = Encoder.parameters(net, Integer.MAX_VALUE);
        assertEquals(22, dl4j.size(), "weights and biases of 5 layers, gamma, beta, mean and variance of 3 batch norms");
        dl4j.forEach((name, value) -> {
            INDArray sameDiff = sd.getVariable(name).getArr();
            double difference = value.reshape(sameDiff.shape()).sub(sameDiff).amaxNumber().doubleValue();
            assertTrue(difference < 1e-9, name + " differs by " + difference);
        });
        assertTrue(dl4j.get("2_mean").amaxNumber().doubleValue() > 1e-3, "the step moved the running mean");
    }
}
