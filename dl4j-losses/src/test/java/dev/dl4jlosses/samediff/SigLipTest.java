package dev.dl4jlosses.samediff;

import static dev.dl4jlosses.testing.Assertions.assertClose;

import dev.dl4jlosses.lossfunctions.LossSigLIP;
import dev.dl4jlosses.options.LogitScale;
import dev.dl4jlosses.testing.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** SigLIP: the DL4J front ([N, 2d] = image | text, fixed t and b) and the SameDiff node give the same loss and gradient. */
class SigLipTest {

    @Test
    void bothFrontsGiveTheSameLossAndGradient() {
        INDArray output = Random.gaussian(71, DataType.DOUBLE, 7, 6);
        INDArray ids = Nd4j.arange(7).reshape(7, 1).castTo(DataType.DOUBLE);
        LossSigLIP dl4j = LossSigLIP.builder().scale(5).bias(-2).build();
        INDArray rowLoss = dl4j.computeScoreArray(ids, output, new ActivationIdentity(), null);
        INDArray gradient = dl4j.computeGradient(ids, output, new ActivationIdentity(), null);

        SameDiff sd = SameDiff.create();
        SDVariable images = sd.var("images", output.get(NDArrayIndex.all(), NDArrayIndex.interval(0, 3)).dup());
        SDVariable texts = sd.var("texts", output.get(NDArrayIndex.all(), NDArrayIndex.interval(3, 6)).dup());
        SDVariable loss = new SDContrastive(sd).sigLip("loss", images, texts, LogitScale.fixed(1 / 5.0), -2);
        assertClose(rowLoss.sumNumber().doubleValue() / 7, loss.eval().getDouble(0), 1e-12, 1e-12, "SigLIP: SameDiff = DL4J rows / N");
        var grads = sd.calculateGradients(null, "images", "texts");
        assertClose(gradient.get(NDArrayIndex.all(), NDArrayIndex.interval(0, 3)).div(7), grads.get("images"), 1e-10, 1e-12,
                "SigLIP image gradient");
        assertClose(gradient.get(NDArrayIndex.all(), NDArrayIndex.interval(3, 6)).div(7), grads.get("texts"), 1e-10, 1e-12,
                "SigLIP text gradient");
    }
}
