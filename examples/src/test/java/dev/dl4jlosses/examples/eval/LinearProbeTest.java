package dev.dl4jlosses.examples.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class LinearProbeTest {

    /** Classes as Gaussian clusters in 40 dimensions of which only 3 carry the class: separable, but noisy. */
    private static INDArray[] clusters(int n, long seed) {
        Random random = new Random(seed);
        double[][] features = new double[n][40];
        double[] labels = new double[n];
        for (int i = 0; i < n; i++) {
            int label = i % 4;
            labels[i] = label;
            for (int j = 0; j < 40; j++) {
                features[i][j] = random.nextGaussian() * (j < 3 ? 0.3 : 2.0);
            }
            features[i][0] += (label & 1) * 2;
            features[i][1] += (label >> 1) * 2;
        }
        return new INDArray[] {Nd4j.create(features).castTo(DataType.FLOAT), Nd4j.createFromArray(labels)};
    }

    @Test
    void separatesClustersThatDifferInAFewDimensions() {
        INDArray[] train = clusters(2000, 1);
        INDArray[] test = clusters(400, 2);
        double accuracy = new LinearProbe(30, 7).accuracy(train[0], train[1], test[0], test[1], 4);
        assertTrue(accuracy > 0.95, "accuracy " + accuracy);
    }

    @Test
    void chanceOnFeaturesThatCarryNoClass() {
        INDArray[] train = clusters(800, 3);
        INDArray[] test = clusters(400, 4);
        INDArray noise = Nd4j.rand(DataType.FLOAT, 800, 40);
        double accuracy = new LinearProbe(20, 7).accuracy(noise, train[1], Nd4j.rand(DataType.FLOAT, 400, 40), test[1], 4);
        assertTrue(accuracy < 0.4, "accuracy " + accuracy);
    }

    @Test
    void sameSeedSameAccuracy() {
        INDArray[] train = clusters(300, 5);
        INDArray[] test = clusters(200, 6);
        assertEquals(new LinearProbe(5, 9).accuracy(train[0], train[1], test[0], test[1], 4),
                new LinearProbe(5, 9).accuracy(train[0], train[1], test[0], test[1], 4));
    }

    @Test
    void rejectsZeroEpochs() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> new LinearProbe(0, 1));
        assertTrue(error.getMessage().contains("got 0"), error.getMessage());
    }
}
