package dev.dl4jlosses.testing;

import java.util.ArrayList;
import java.util.List;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.DataSet;

/** Training steps that record the score DL4J reports after each. */
public final class Training {

    private Training() {
    }

    /** {@code steps} calls of {@code fit}, cycling through {@code batches}; the score after each. */
    public static List<Double> scores(MultiLayerNetwork net, List<DataSet> batches, int steps) {
        List<Double> scores = new ArrayList<>();
        for (int i = 0; i < steps; i++) {
            net.fit(batches.get(i % batches.size()));
            scores.add(net.score());
        }
        return scores;
    }
}
