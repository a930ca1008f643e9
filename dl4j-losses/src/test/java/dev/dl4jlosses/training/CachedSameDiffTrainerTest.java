package dev.dl4jlosses.training;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.stream.Stream;

import dev.dl4jlosses.lossfunctions.LossNTXent;
import dev.dl4jlosses.lossfunctions.LossSupCon;
import dev.dl4jlosses.samediff.SDContrastive;
import dev.dl4jlosses.testing.Assertions;
import dev.dl4jlosses.testing.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/**
 * Two cached steps of a SameDiff encoder change its parameters as two {@code sd.fit} steps of the same encoder ending
 * in the matching {@code SDContrastive} node do (float64, Adam with decoupled weight decay, 1e-8 relative), for chunk
 * sizes that divide the batch, that do not, and the whole batch.
 */
class CachedSameDiffTrainerTest {

    private static final int N_IN = 5;
    private static final int HIDDEN = 7;
    private static final int N_OUT = 4;
    private static final int ROWS = 12;
    private static final int[] CHUNKS = {1, 5, 7, ROWS};
    private static final List<String> PARAMETERS = List.of("w1", "b1", "w2");

    /** The node, the DL4J loss with the same definition, and ids [ROWS, 1]. */
    static Stream<Arguments> losses() {
        BiFunction<SDVariable, SDVariable, SDVariable> ntXent = (z, ids) -> new SDContrastive(z.getSameDiff()).ntXent("loss", z, ids, 0.5);
        BiFunction<SDVariable, SDVariable, SDVariable> supCon = (z, ids) -> new SDContrastive(z.getSameDiff()).supCon("loss", z, ids, 0.1);
        return Stream.of(Arguments.of("ntXent", ntXent, new LossNTXent(0.5), Random.twoViewIds(ROWS / 2)),
                Arguments.of("supCon", supCon, new LossSupCon(0.1), Random.ids(2, ROWS, 3)));
    }

    /** x [-1, N_IN] → tanh(x·w1 + b1) → ·w2 = "z", with seeded parameters; Adam 1e-2 and decoupled weight decay. */
    private static SameDiff encoder() {
        SameDiff sd = SameDiff.create();
        SDVariable x = sd.placeHolder("x", DataType.DOUBLE, -1, N_IN);
        SDVariable w1 = sd.var("w1", Random.gaussian(21, DataType.DOUBLE, N_IN, HIDDEN).muli(0.5));
        SDVariable b1 = sd.var("b1", Random.gaussian(22, DataType.DOUBLE, 1, HIDDEN).muli(0.1));
        SDVariable w2 = sd.var("w2", Random.gaussian(23, DataType.DOUBLE, HIDDEN, N_OUT).muli(0.5));
        sd.math.tanh(x.mmul(w1).add(b1)).mmul("z", w2);
        sd.setTrainingConfig(TrainingConfig.builder().updater(new Adam(1e-2)).weightDecay(1e-2, true)
                .dataSetFeatureMapping("x").dataSetLabelMapping("ids").build());
        return sd;
    }

    private static List<DataSet> batches(INDArray ids) {
        return List.of(new DataSet(Random.gaussian(11, DataType.DOUBLE, ROWS, N_IN), ids),
                new DataSet(Random.gaussian(12, DataType.DOUBLE, ROWS, N_IN), ids));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("losses")
    void updateEqualsFitOfTheGraphWithTheLossNode(String name, BiFunction<SDVariable, SDVariable, SDVariable> node,
                                                  ILossFunction loss, INDArray ids) {
        SameDiff reference = encoder();
        node.apply(reference.getVariable("z"), reference.placeHolder("ids", DataType.DOUBLE, -1));
        Map<String, INDArray> start = values(reference);
        double[] fitLosses = new double[2];
        for (int step = 0; step < 2; step++) {
            DataSet batch = batches(ids).get(step);
            fitLosses[step] = reference.output(Map.of("x", batch.getFeatures(), "ids", batch.getLabels().reshape(ROWS)),
                    "loss").get("loss").getDouble(0);
            reference.fit(new DataSet(batch.getFeatures(), batch.getLabels().reshape(ROWS)));
        }
        Map<String, INDArray> afterFit = values(reference);

        for (int chunk : CHUNKS) {
            SameDiff sd = encoder();
            CachedSameDiffTrainer trainer = new CachedSameDiffTrainer(sd, "x", "z", loss, chunk);
            for (int step = 0; step < 2; step++) {
                DataSet batch = batches(ids).get(step);
                double score = trainer.fit(batch.getFeatures(), batch.getLabels());
                Assertions.assertClose(fitLosses[step], score, 1e-10, 0, name + " chunk " + chunk + " step " + step + " loss");
            }
            assertEquals(2, sd.getTrainingConfig().getIterationCount());
            for (String p : PARAMETERS) {
                INDArray update = afterFit.get(p).sub(start.get(p));
                double scale = update.norm2Number().doubleValue();
                Assertions.assertClose(update, sd.getVariable(p).getArr().sub(start.get(p)), 1e-8, 1e-8 * scale,
                        name + " chunk " + chunk + " update of " + p);
            }
        }
    }

    private static Map<String, INDArray> values(SameDiff sd) {
        return Map.of("w1", sd.getArrForVarName("w1").dup(), "b1", sd.getArrForVarName("b1").dup(),
                "w2", sd.getArrForVarName("w2").dup());
    }

    @Test
    void aGraphThatAlreadyHoldsALossIsRefusedWithItsName() {
        SameDiff sd = encoder();
        new SDContrastive(sd).ntXent("loss", sd.getVariable("z"), sd.placeHolder("ids", DataType.DOUBLE, -1), 0.5);
        Assertions.assertMessage(() -> new CachedSameDiffTrainer(sd, "x", "z", new LossNTXent(0.5), 4),
                "must end at the embeddings", "loss");
        Assertions.assertMessage(() -> new CachedSameDiffTrainer(encoder(), "images", "z", new LossNTXent(0.5), 4),
                "no placeholder named images");
        Assertions.assertMessage(() -> new CachedSameDiffTrainer(encoder(), "x", "z", new LossNTXent(0.5), 0),
                "chunkRows must be >= 1, got 0");
    }
}
