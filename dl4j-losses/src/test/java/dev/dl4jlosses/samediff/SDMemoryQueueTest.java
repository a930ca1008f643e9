package dev.dl4jlosses.samediff;

import static dev.dl4jlosses.testing.Assertions.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.dl4jlosses.lossfunctions.LossInfoNCE;
import dev.dl4jlosses.lossfunctions.LossNTXent;
import dev.dl4jlosses.options.LogitScale;
import dev.dl4jlosses.testing.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Adam;

/** The memory queue in a SameDiff graph: same meaning as the DL4J front, filled by fit, no gradient, saved with the graph. */
class SDMemoryQueueTest {

    private static final ActivationIdentity IDENTITY = new ActivationIdentity();

    @TempDir
    Path dir;

    @Test
    void infoNceWithAPartlyFilledQueueMatchesTheDl4jFront() {
        INDArray q = Random.gaussian(1, DataType.DOUBLE, 6, 4);
        INDArray k = Random.gaussian(2, DataType.DOUBLE, 6, 4);
        INDArray ids = Nd4j.createFromArray(0.0, 1, 2, 3, 4, 5).reshape(6, 1);
        INDArray queued = Random.gaussian(3, DataType.DOUBLE, 5, 4);
        INDArray queuedIds = Nd4j.createFromArray(0.0, 7, 8, 3, 9).reshape(5, 1);

        SameDiff sd = SameDiff.create();
        SDMemoryQueue queue = SDMemoryQueue.create(sd, "queue", 8, 4, DataType.DOUBLE);
        queue.contents().enqueue(queued, queuedIds);       // 5 of 8 slots filled
        new SDContrastive(sd).infoNceWithQueue("loss", sd.var("q", q), sd.var("k", k), queue, sd.constant(ids.reshape(6)),
                LogitScale.fixed(0.2), true);

        LossInfoNCE dl4j = LossInfoNCE.builder().temperature(0.2).symmetric(true).memoryQueue(8).build();
        dl4j.getMemoryQueue().enqueue(queued, queuedIds);
        INDArray pairs = Nd4j.concat(1, q, k);
        assertClose(dl4j.computeScore(ids, pairs, IDENTITY, null, true), sd.output(Map.of(), "loss").get("loss").getDouble(0),
                1e-10, 1e-12, "loss");
        INDArray gradient = dl4j.computeGradient(ids, pairs, IDENTITY, null).div(6);
        Map<String, INDArray> g = sd.calculateGradients(null, "q", "k");
        assertClose(gradient.get(NDArrayIndex.all(), NDArrayIndex.interval(0, 4)), g.get("q"), 1e-10, 1e-12, "query gradient");
        assertClose(gradient.get(NDArrayIndex.all(), NDArrayIndex.interval(4, 8)), g.get("k"), 1e-10, 1e-12, "key gradient");
        assertEquals(VariableType.CONSTANT, sd.getVariable("queue/keys").getVariableType());
        assertNull(sd.getVariable("queue/keys").getGradient(), "no gradient into the queue");
    }

    @Test
    void ntXentWithAQueueMatchesTheDl4jFront() {
        INDArray z = Random.gaussian(4, DataType.DOUBLE, 8, 5);
        INDArray ids = Random.twoViewIds(4);
        INDArray queued = Random.gaussian(5, DataType.DOUBLE, 7, 5);
        INDArray queuedIds = Nd4j.createFromArray(0.0, 1, 5, 6, 7, 8, 9).reshape(7, 1);

        SameDiff sd = SameDiff.create();
        SDMemoryQueue queue = SDMemoryQueue.create(sd, "queue", 6, 5, DataType.DOUBLE);
        queue.contents().enqueue(queued, queuedIds);       // wraps: the first entry is gone
        new SDContrastive(sd).ntXent("loss", sd.var("z", z), sd.constant(ids), LogitScale.fixed(0.3), true, queue);

        LossNTXent dl4j = LossNTXent.builder().temperature(0.3).memoryQueue(6).build();
        dl4j.getMemoryQueue().enqueue(queued, queuedIds);
        assertClose(dl4j.computeScore(ids, z, IDENTITY, null, true), sd.output(Map.of(), "loss").get("loss").getDouble(0),
                1e-10, 1e-12, "loss");
        assertClose(dl4j.computeGradient(ids, z, IDENTITY, null).div(8), sd.calculateGradients(null, "z").get("z"),
                1e-10, 1e-12, "gradient");
    }

    @Test
    void eachFitStepEnqueuesTheKeysItComputedAndInferenceDoesNot() {
        SameDiff sd = graph(8);
        DataSet first = batch(11);
        DataSet second = batch(12);
        INDArray firstKeys = keys(sd, first);
        sd.output(placeholders(first), "loss");
        assertEquals(0, SDMemoryQueue.get(sd, "queue").contents().size(), "inference enqueues nothing");
        sd.fit(first);
        INDArray secondKeys = keys(sd, second);
        sd.fit(second);
        INDArray queued = SDMemoryQueue.get(sd, "queue").contents().entries().keys();
        assertClose(Nd4j.concat(0, firstKeys.get(NDArrayIndex.interval(4, 6), NDArrayIndex.all()), secondKeys), queued,
                1e-6, 1e-6, "capacity 8: the last 8 keys, oldest first");
        assertClose(Nd4j.concat(0, first.getLabels().get(NDArrayIndex.interval(4, 6)), second.getLabels()).reshape(8, 1)
                .castTo(DataType.FLOAT), SDMemoryQueue.get(sd, "queue").contents().entries().ids(), 0, 0, "their ids");
    }

    @Test
    void queueIsSavedWithTheGraphAndTrainingContinuesIdentically() throws Exception {
        List<DataSet> batches = List.of(batch(21), batch(22), batch(23));
        List<Double> expected = fit(graph(8), batches, 0, 6);
        SameDiff first = graph(8);
        List<Double> actual = fit(first, batches, 0, 3);
        File file = dir.resolve("graph.fb").toFile();
        first.save(file, true);
        SameDiff restored = SameDiff.load(file, true);
        restored.addListeners(SDMemoryQueue.get(restored, "queue").enqueueAfterEachStep());
        assertEquals(8, SDMemoryQueue.get(restored, "queue").contents().size());
        actual.addAll(fit(restored, batches, 3, 6));
        assertEquals(expected, actual, "loss per step, uninterrupted vs saved after 3 steps and reloaded with the queue");

        SameDiff forgetful = SameDiff.load(file, true);     // the queue's contents matter: an emptied queue changes the loss
        forgetful.getArrForVarName("queue/filled").assign(0);
        assertTrue(Math.abs(fit(forgetful, batches, 3, 4).get(0) - expected.get(3)) > 1e-4);
    }

    @Test
    void badArguments() {
        SameDiff sd = SameDiff.create();
        SDMemoryQueue queue = SDMemoryQueue.create(sd, "queue", 4, 3, DataType.FLOAT);
        SDContrastive c = new SDContrastive(sd);
        SDVariable z = sd.var("z", DataType.FLOAT, 6, 5);
        assertThrows(IllegalArgumentException.class, () -> SDMemoryQueue.create(sd, "queue", 4, 3, DataType.FLOAT));
        assertThrows(IllegalArgumentException.class, () -> SDMemoryQueue.get(sd, "other"));
        assertThrows(IllegalArgumentException.class, () -> c.ntXent("a", z, sd.constant(Nd4j.arange(6)), LogitScale.fixed(0.5), true, queue));
        assertThrows(IllegalArgumentException.class, () -> c.infoNceWithQueue("b", sd.var("q", DataType.FLOAT, 6, 3),
                sd.var("k", DataType.FLOAT, 6, 3), queue, null, LogitScale.fixed(0.1), false));
        assertThrows(IllegalArgumentException.class, () -> SDMemoryQueue.create(sd, "q2", 4, 3, DataType.HALF));
    }

    /** A two-tower graph: queries and keys from one input through two weight matrices; InfoNCE with a queue. */
    private static SameDiff graph(int capacity) {
        SameDiff sd = SameDiff.create();
        SDVariable x = sd.placeHolder("x", DataType.FLOAT, -1, 6);
        SDVariable ids = sd.placeHolder("ids", DataType.FLOAT, -1);
        SDVariable wq = sd.var("wq", Random.gaussian(31, DataType.FLOAT, 6, 4).muli(0.5));
        SDVariable wk = sd.var("wk", Random.gaussian(32, DataType.FLOAT, 6, 4).muli(0.5));
        SDMemoryQueue queue = SDMemoryQueue.create(sd, "queue", capacity, 4, DataType.FLOAT);
        SDVariable keys = sd.math.tanh(x.mmul(wk)).rename("keys");
        new SDContrastive(sd).infoNceWithQueue("loss", sd.math.tanh(x.mmul(wq)), keys, queue, ids, LogitScale.fixed(0.2), false);
        sd.setTrainingConfig(TrainingConfig.builder().updater(new Adam(1e-2)).dataSetFeatureMapping("x")
                .dataSetLabelMapping("ids").build());
        sd.addListeners(queue.enqueueAfterEachStep());
        return sd;
    }

    private static DataSet batch(long seed) {
        return new DataSet(Random.gaussian(seed, DataType.FLOAT, 6, 6),
                Nd4j.arange(6).addi(6 * seed).castTo(DataType.FLOAT).reshape(6));
    }

    private static Map<String, INDArray> placeholders(DataSet batch) {
        return Map.of("x", batch.getFeatures(), "ids", batch.getLabels());
    }

    private static INDArray keys(SameDiff sd, DataSet batch) {
        return sd.output(placeholders(batch), "keys").get("keys");
    }

    private static List<Double> fit(SameDiff sd, List<DataSet> batches, int from, int to) {
        List<Double> losses = new ArrayList<>();
        for (int i = from; i < to; i++) {
            DataSet batch = batches.get(i % batches.size());
            losses.add(sd.output(placeholders(batch), "loss").get("loss").getDouble(0));
            sd.fit(batch);
        }
        return losses;
    }
}
