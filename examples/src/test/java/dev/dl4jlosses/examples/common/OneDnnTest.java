package dev.dl4jlosses.examples.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dl4jlosses.examples.simclr.Encoder;
import dev.dl4jlosses.lossfunctions.LossNTXent;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;

/**
 * DL4J's oneDNN helpers, switched on by {@link OneDnn} and the {@code org.nd4j.nativeblas.Nd4jCpu} shim, are found
 * and compute what DL4J's own layers compute: the example encoder's loss, gradient and batch-norm statistics agree
 * (float32) with the helpers on and off.
 */
class OneDnnTest {

    private static final Encoder ENCODER = new Encoder(1, 12, 12, 4, 16, 8);

    private static MultiLayerNetwork network(boolean helpers) {
        String before = System.getProperty(OneDnn.HELPERS_DISABLED_PROPERTY);
        System.setProperty(OneDnn.HELPERS_DISABLED_PROPERTY, Boolean.toString(!helpers));
        try {
            return ENCODER.dl4jNetwork(new LossNTXent(), new Sgd(0.05), 0, 9);
        } finally {
            if (before == null) {
                System.clearProperty(OneDnn.HELPERS_DISABLED_PROPERTY);
            } else {
                System.setProperty(OneDnn.HELPERS_DISABLED_PROPERTY, before);
            }
        }
    }

    @Test
    void theShimLetsDl4jFindItsHelpersAndTheyAgreeWithDl4jsLayers() {
        MultiLayerNetwork withHelpers = network(true);
        MultiLayerNetwork without = network(false);
        assertNotNull(withHelpers.getLayer(0).getHelper(), "conv layer helper");
        assertNotNull(withHelpers.getLayer(2).getHelper(), "batch-norm layer helper");
        assertNotNull(withHelpers.getLayer(1).getHelper(), "max-pooling layer helper");
        assertNull(without.getLayer(0).getHelper());
        without.setParams(withHelpers.params().dup());

        Nd4j.getRandom().setSeed(4);
        INDArray images = Nd4j.rand(DataType.FLOAT, 16, 1, 12, 12);
        INDArray ids = Nd4j.concat(0, Nd4j.arange(8), Nd4j.arange(8)).castTo(DataType.FLOAT).reshape(16, 1);
        for (MultiLayerNetwork net : new MultiLayerNetwork[]{withHelpers, without}) {
            net.setInput(images);
            net.setLabels(ids);
            net.computeGradientAndScore();
        }
        assertEquals(without.score(), withHelpers.score(), 1e-5 * without.score());
        INDArray a = withHelpers.gradient().gradient();
        INDArray b = without.gradient().gradient();
        double scale = b.amaxNumber().doubleValue();
        assertTrue(scale > 0);
        double difference = a.sub(b).amaxNumber().doubleValue();
        assertTrue(difference < 2e-4 * scale, "gradients differ by " + difference + " (largest entry " + scale + ")");

        withHelpers.fit(images, ids);
        without.fit(images, ids);
        double params = withHelpers.params().sub(without.params()).amaxNumber().doubleValue();
        assertTrue(params < 1e-4, "after a step (weights and batch-norm averages) the networks differ by " + params);
    }
}
