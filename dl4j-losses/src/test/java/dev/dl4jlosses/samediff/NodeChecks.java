package dev.dl4jlosses.samediff;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

import dev.dl4jlosses.testing.DoublePrecision;
import dev.dl4jlosses.testing.Random;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.validation.GradCheckUtil;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/** Checks shared by the tests of the SameDiff nodes. */
final class NodeChecks {

    private NodeChecks() {
    }

    /** A loss node over (embeddings, ids), and the DL4J loss with the same meaning. */
    record Case(String name, BiFunction<SDContrastive, SDVariable[], SDVariable> node, ILossFunction dl4j) {
        @Override
        public String toString() {
            return name;
        }
    }

    /**
     * SameDiff's GradCheckUtil on a loss node behind a tanh layer: x [10, 4] and w [4, 5] are variables (M2.1's checker
     * cannot perturb placeholders), 10 ids in 3 classes; the seeds choose the values.
     */
    static boolean gradientCheckBehindTanhLayer(BiFunction<SDContrastive, SDVariable[], SDVariable> node, long xSeed,
                                                long wSeed, long idSeed) {
        SameDiff sd = SameDiff.create();
        SDVariable x = sd.var("x", Random.gaussian(xSeed, DataType.DOUBLE, 10, 4));
        SDVariable w = sd.var("w", Random.gaussian(wSeed, DataType.DOUBLE, 4, 5));
        SDVariable ids = sd.constant("ids", Random.ids(idSeed, 10, 3).reshape(10).castTo(DataType.INT));
        node.apply(new SDContrastive(sd), new SDVariable[] {sd.math.tanh(x.mmul(w)), ids});
        return DoublePrecision.check(() -> GradCheckUtil.checkGradients(sd, Map.of(), 1e-6, 1e-5, 1e-8, false, false));
    }

    /** Fits a graph with placeholders "x" and "ids" {@code steps} times; returns its "loss" before each step. */
    static List<Double> lossesWhileFitting(SameDiff sd, DataSet batch, int steps) {
        List<Double> losses = new ArrayList<>();
        for (int i = 0; i < steps; i++) {
            losses.add(sd.output(Map.of("x", batch.getFeatures(), "ids", batch.getLabels()), "loss").get("loss").getDouble(0));
            sd.fit(batch);
        }
        return losses;
    }
}
