package dev.dl4jlosses.samediff;

import static dev.dl4jlosses.testing.Assertions.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dl4jlosses.core.math.DecoupledContrastiveKernel;
import dev.dl4jlosses.lossfunctions.LossDecoupledContrastive;
import dev.dl4jlosses.options.LogitScale;
import dev.dl4jlosses.testing.Random;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * A loss added as ARCHITECTURE.md says a new softmax-family loss is added: one kernel ({@link DecoupledContrastiveKernel}),
 * one DL4J configuration class ({@link LossDecoupledContrastive}) and one call of the SameDiff front's pairwise node;
 * the runners, engines, reductions and checks of both fronts come with them.
 */
class DecoupledContrastiveTest {

    private static final double TEMPERATURE = 0.3;

    @Test
    void bothFrontsComputeTheDefinition() {
        INDArray z = Random.gaussian(61, DataType.DOUBLE, 8, 5);
        INDArray ids = Nd4j.createFromArray(0.0, 1, 2, 3, 0, 1, 2, 3).reshape(8, 1);
        LossDecoupledContrastive dl4j = LossDecoupledContrastive.builder().temperature(TEMPERATURE).build();
        INDArray rowLoss = dl4j.computeScoreArray(ids, z, new ActivationIdentity(), null);
        assertClose(definition(z, ids), rowLoss, 1e-12, 1e-12, "DL4J rows: lse over negatives minus the positive logit");

        SameDiff sd = SameDiff.create();
        SDVariable embeddings = sd.var("z", z);
        SDVariable loss = new SDContrastive(sd).pairwise("loss", "decoupled", DecoupledContrastiveKernel.INSTANCE, null,
                embeddings, sd.constant(ids.reshape(8).castTo(DataType.INT)), true, LogitScale.fixed(TEMPERATURE), null);
        assertClose(rowLoss.sumNumber().doubleValue() / 8, loss.eval().getDouble(0), 1e-12, 1e-12, "SameDiff: the mean over anchors");
        assertClose(dl4j.computeGradient(ids, z, new ActivationIdentity(), null).div(8), sd.calculateGradients(null, "z").get("z"),
                1e-10, 1e-12, "SameDiff gradient = DL4J gradient / B");
    }

    @Test
    void gradientsAreDerivativesOnBothFronts() {
        assertTrue(NodeChecks.gradientCheckBehindTanhLayer((c, v) -> c.pairwise("loss", "decoupled",
                DecoupledContrastiveKernel.INSTANCE, null, v[0], v[1], true, LogitScale.fixed(TEMPERATURE), null), 62, 63, 64));
        INDArray z = Random.gaussian(65, DataType.DOUBLE, 10, 4);
        INDArray ids = Random.ids(66, 10, 3);
        LossDecoupledContrastive dl4j = LossDecoupledContrastive.builder().temperature(TEMPERATURE).build();
        INDArray gradient = dl4j.computeGradient(ids, z, new ActivationIdentity(), null);
        double h = 1e-6;
        for (int i = 0; i < z.length(); i += 3) {
            INDArray plus = z.dup();
            plus.putScalar(i, z.getDouble(i) + h);
            INDArray minus = z.dup();
            minus.putScalar(i, z.getDouble(i) - h);
            double numeric = (dl4j.computeScore(ids, plus, new ActivationIdentity(), null, false)
                    - dl4j.computeScore(ids, minus, new ActivationIdentity(), null, false)) / (2 * h);
            assertClose(numeric, gradient.getDouble(i), 1e-6, 1e-8, "DL4J gradient entry " + i);
        }
    }

    @Test
    void theConfigurationRoundTripsThroughDl4jsJson() {
        LossDecoupledContrastive loss = LossDecoupledContrastive.builder().temperature(0.2).memoryQueue(32).build();
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().list()
                .layer(new OutputLayer.Builder(loss).nIn(4).nOut(4).activation(Activation.IDENTITY).build()).build();
        assertEquals(loss, ((OutputLayer) MultiLayerConfiguration.fromJson(conf.toJson()).getConf(0).getLayer()).getLossFn());
    }

    /** {@code log Σ_{n: y_n ≠ y_i} e^{s_in/τ} - s_ip/τ}, each anchor having one positive here. */
    private static INDArray definition(INDArray z, INDArray ids) {
        INDArray u = z.div(Transforms.sqrt(z.mul(z).sum(true, 1)));
        INDArray logits = u.mmul(u.transpose()).divi(TEMPERATURE);
        INDArray same = ids.eq(ids.reshape(1, ids.length())).castTo(DataType.DOUBLE);
        INDArray negatives = same.rsub(1);
        INDArray positives = same.sub(Nd4j.eye(ids.length()));
        INDArray lse = Transforms.log(Transforms.exp(logits).muli(negatives).sum(true, 1));
        return lse.subi(logits.mul(positives).sum(true, 1));
    }
}
