package dev.dl4jlosses.lossfunctions;

import static dev.dl4jlosses.testing.Assertions.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;

import dev.dl4jlosses.core.eager.Blocking;
import dev.dl4jlosses.core.eager.CrossEvaluator;
import dev.dl4jlosses.core.math.SoftmaxCrossEntropyKernel;
import dev.dl4jlosses.testing.DoublePrecision;
import dev.dl4jlosses.testing.Random;
import dev.dl4jlosses.testing.ReferenceCase;
import dev.dl4jlosses.testing.Training;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.ops.transforms.Transforms;

/** The DL4J losses with a memory queue: its meaning, when it is filled, and saving it with the model. */
class MemoryQueueLossTest {

    private static final ActivationIdentity IDENTITY = new ActivationIdentity();

    @TempDir
    Path dir;

    @Test
    void infoNceWithTheBatchKeysQueuedEqualsThoseKeysAsExplicitNegatives() {
        INDArray q = Random.gaussian(1, DataType.DOUBLE, 6, 4);
        INDArray k = Random.gaussian(2, DataType.DOUBLE, 6, 4);
        INDArray ids = Nd4j.createFromArray(0.0, 1, 2, 3, 4, 5).reshape(6, 1);
        LossInfoNCE loss = LossInfoNCE.builder().temperature(0.2).memoryQueue(6).build();
        loss.getMemoryQueue().enqueue(k, ids);

        INDArray pairs = Nd4j.concat(1, q, k);
        INDArray rowLoss = loss.computeScoreArray(ids, pairs, IDENTITY, null);
        INDArray gradient = loss.computeGradient(ids, pairs, IDENTITY, null);
        CrossEvaluator.Result explicit = new CrossEvaluator(SoftmaxCrossEntropyKernel.INSTANCE, true, 1 / 0.2, false, Blocking.DEFAULT)
                .evaluate(q, k, k, ids, ids, null, true);
        assertClose(explicit.rowLoss(), rowLoss, 1e-12, 1e-12, "loss, queue vs explicit negatives");
        assertClose(Nd4j.concat(1, explicit.gradQueries(), explicit.gradKeys()), gradient, 1e-12, 1e-12, "gradient");

        // independently: the queued copy of a query's own key has its id, so every other key counts twice
        INDArray expected = rowsNormalized(q).mmul(rowsNormalized(k).transpose()).divi(0.2);
        INDArray positive = Nd4j.diag(expected).reshape(6, 1);
        INDArray weights = Nd4j.ones(DataType.DOUBLE, 6, 6).muli(2).subi(Nd4j.eye(6));
        INDArray closedForm = Transforms.log(Transforms.exp(expected).muli(weights).sum(true, 1)).subi(positive);
        assertClose(closedForm, rowLoss, 1e-12, 1e-12, "closed form with doubled negatives");
    }

    @Test
    void infoNceWithAQueueAgainstPyTorch() {
        ReferenceCase c = ReferenceCase.load("moco_queue_t007");
        LossInfoNCE loss = LossInfoNCE.builder().temperature(c.number("temperature")).memoryQueue(7).build();
        loss.getMemoryQueue().enqueue(c.array("queue"), c.array("queueIds"));
        INDArray pairs = Nd4j.concat(1, c.array("queries"), c.array("keys"));
        assertClose(c.array("rowLoss"), loss.computeScoreArray(c.array("labels"), pairs, IDENTITY, null), 1e-9, 1e-9, "row losses");
        assertClose(Nd4j.concat(1, c.array("grad_queries"), c.array("grad_keys")),
                loss.computeGradient(c.array("labels"), pairs, IDENTITY, null), 1e-9, 1e-9, "gradient");
    }

    @Test
    void ntXentWithAQueueAgainstPyTorch() {
        ReferenceCase c = ReferenceCase.load("ntxent_queue_t05");
        LossNTXent loss = LossNTXent.builder().temperature(c.number("temperature")).memoryQueue(6).build();
        loss.getMemoryQueue().enqueue(c.array("queue"), c.array("queueIds"));
        assertClose(c.array("rowLoss"), loss.computeScoreArray(c.array("labels"), c.array("embeddings"), IDENTITY, null),
                1e-9, 1e-9, "row losses");
        assertClose(c.array("grad_embeddings"), loss.computeGradient(c.array("labels"), c.array("embeddings"), IDENTITY, null),
                1e-9, 1e-9, "gradient");
    }

    @Test
    void ntXentWithAQueueOfOtherIdsEqualsTheAnchorsRowsOfTheConcatenatedBatch() {
        INDArray x = Random.gaussian(3, DataType.DOUBLE, 8, 5);
        INDArray xIds = Random.twoViewIds(4);
        INDArray y = Random.gaussian(4, DataType.DOUBLE, 6, 5);
        INDArray yIds = Random.twoViewIds(3).addi(10);
        LossNTXent withQueue = LossNTXent.builder().temperature(0.3).memoryQueue(10).build();
        withQueue.getMemoryQueue().enqueue(y, yIds);

        INDArray concatenated = new LossNTXent(0.3).computeScoreArray(Nd4j.concat(0, xIds, yIds), Nd4j.concat(0, x, y), IDENTITY, null);
        assertClose(concatenated.get(NDArrayIndex.interval(0, 8), NDArrayIndex.all()),
                withQueue.computeScoreArray(xIds, x, IDENTITY, null), 1e-12, 1e-12, "anchors of x: queue y vs batch [x; y]");
    }

    @Test
    void queuedEntriesWithTheAnchorsIdAreNeitherNegativesNorPositives() {
        INDArray x = Random.gaussian(5, DataType.DOUBLE, 8, 5);
        INDArray ids = Random.twoViewIds(4);
        LossNTXent withQueue = LossNTXent.builder().temperature(0.3).memoryQueue(4).build();
        withQueue.getMemoryQueue().enqueue(Random.gaussian(6, DataType.DOUBLE, 3, 5), Nd4j.zeros(DataType.DOUBLE, 3, 1));
        INDArray inBatch = new LossNTXent(0.3).computeScoreArray(ids, x, IDENTITY, null);
        INDArray queued = withQueue.computeScoreArray(ids, x, IDENTITY, null);
        for (int row = 0; row < 8; row++) {
            if (row % 4 == 0) {       // id 0, the queue's id: unchanged
                assertClose(inBatch.getDouble(row), queued.getDouble(row), 1e-12, 1e-12, "anchor " + row + " with the queue's id");
            } else {                  // three more negatives
                assertTrue(queued.getDouble(row) > inBatch.getDouble(row) + 1e-3, "anchor " + row + ": " + inBatch + " vs " + queued);
            }
        }
    }

    @Test
    void eachTrainingStepEnqueuesItsDetachedKeysWhenTheNextBegins() {
        LossInfoNCE loss = LossInfoNCE.builder().memoryQueue(10).build();
        INDArray ids = Nd4j.createFromArray(0.0, 1, 2, 3).reshape(4, 1);
        INDArray step1 = Random.gaussian(7, DataType.DOUBLE, 4, 6);
        INDArray step1Keys = step1.get(NDArrayIndex.all(), NDArrayIndex.interval(3, 6)).dup();
        double before = loss.computeScore(ids, step1, IDENTITY, null, true);
        loss.computeGradient(ids, step1, IDENTITY, null);
        assertNull(loss.getMemoryQueue().entries(), "nothing enqueued during the step");
        assertEquals(before, loss.computeScore(ids, step1, IDENTITY, null, true), "score after the gradient, same step");
        step1.assign(0);                                   // DL4J reuses its arrays: the queue holds copies

        INDArray step2 = Random.gaussian(8, DataType.DOUBLE, 4, 6);
        loss.computeGradient(ids.add(4), step2, IDENTITY, null);
        assertClose(step1Keys, loss.getMemoryQueue().entries().keys(), 0, 0, "the first step's keys, at the second step");
        assertClose(ids, loss.getMemoryQueue().entries().ids(), 0, 0, "their ids");
        assertThrows(IllegalArgumentException.class, () -> loss.computeGradient(null, step2, IDENTITY, null));
    }

    @Test
    void maskedExamplesAreNotEnqueued() {
        LossNTXent loss = LossNTXent.builder().memoryQueue(10).build();
        INDArray z = Random.gaussian(9, DataType.DOUBLE, 6, 3);
        INDArray mask = Nd4j.createFromArray(1.0, 0, 1, 1, 1, 0).reshape(6, 1);
        loss.computeGradient(Random.twoViewIds(3), z, IDENTITY, mask);
        loss.computeGradient(Random.twoViewIds(3), z, IDENTITY, mask);
        assertClose(Nd4j.createFromArray(0.0, 2, 0, 1).reshape(4, 1), loss.getMemoryQueue().entries().ids(), 0, 0, "kept ids");
        assertClose(Nd4j.pullRows(z, 1, new int[] {0, 2, 3, 4}), loss.getMemoryQueue().entries().keys(), 0, 0, "kept rows");
    }

    @Test
    void dl4jGradientCheckWithAFilledQueue() {
        LossNTXent loss = LossNTXent.builder().temperature(0.5).memoryQueue(6).build();
        loss.getMemoryQueue().enqueue(Random.gaussian(21, DataType.DOUBLE, 6, 4), Nd4j.createFromArray(0.0, 1, 5, 6, 7, 8).reshape(6, 1));
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(42).dataType(DataType.DOUBLE).updater(new NoOp())
                .weightInit(WeightInit.XAVIER).list()
                .layer(new DenseLayer.Builder().nIn(5).nOut(6).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(loss).nIn(6).nOut(4).activation(Activation.IDENTITY).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        INDArray input = Random.gaussian(22, DataType.DOUBLE, 8, 5);
        assertTrue(DoublePrecision.check(() -> GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig().net(net).input(input)
                .labels(Random.twoViewIds(4)))), "gradient check with queued negatives");
    }

    @Test
    void badConfiguration() {
        assertThrows(IllegalArgumentException.class, () -> LossNTXent.builder().memoryQueue(-1).build());
        assertThrows(IllegalArgumentException.class, () -> LossInfoNCE.builder().memoryQueue(-5).build());
    }

    static Stream<Supplier<ContrastiveLossFunction>> queuedLosses() {
        return Stream.of(() -> LossNTXent.builder().temperature(0.2).memoryQueue(12).build(),
                () -> LossInfoNCE.builder().temperature(0.1).memoryQueue(5).build());
    }

    @ParameterizedTest
    @MethodSource("queuedLosses")
    void queueIsSavedWithTheModelAndTrainingContinuesIdentically(Supplier<ContrastiveLossFunction> loss) throws Exception {
        List<DataSet> batches = List.of(batch(11), batch(12), batch(13));
        MultiLayerNetwork uninterrupted = network(loss.get());
        List<Double> expected = Training.scores(uninterrupted, batches, 6);

        ContrastiveLossFunction firstLoss = loss.get();
        MultiLayerNetwork first = network(firstLoss);
        List<Double> actual = Training.scores(first, batches, 3);
        File file = dir.resolve("net.zip").toFile();
        ModelSerializer.writeModel(first, file, true);
        ModelSerializer.addObjectToFile(file, "memoryQueue", firstLoss.getMemoryQueue());

        MultiLayerNetwork restored = ModelSerializer.restoreMultiLayerNetwork(file, true);
        ContrastiveLossFunction restoredLoss = (ContrastiveLossFunction) ((OutputLayer) restored.getLayerWiseConfigurations()
                .getConf(1).getLayer()).getLossFn();
        assertEquals(firstLoss, restoredLoss);
        assertEquals(0, restoredLoss.getMemoryQueue().size(), "the JSON holds the configuration, not the contents");
        restoredLoss.getMemoryQueue().restore(ModelSerializer.getObjectFromFile(file, "memoryQueue"));
        actual.addAll(Training.scores(restored, batches, 3));
        assertEquals(expected, actual, "score per step: uninterrupted vs saved after 3 steps and restored with the queue");
        assertEquals(firstLoss.getMemoryQueue().capacity(), restoredLoss.getMemoryQueue().size(), "queue full after 6 steps");
    }

    private static DataSet batch(long seed) {
        return new DataSet(Random.gaussian(seed, DataType.FLOAT, 6, 6),
                Random.twoViewIds(3).addi(3 * seed).castTo(DataType.FLOAT));
    }

    private static MultiLayerNetwork network(ContrastiveLossFunction loss) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(7).updater(new Adam(1e-2)).list()
                .layer(new DenseLayer.Builder().nIn(6).nOut(10).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(loss).nIn(10).nOut(4).activation(Activation.IDENTITY).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    private static INDArray rowsNormalized(INDArray a) {
        return a.div(Transforms.sqrt(a.mul(a).sum(true, 1)));
    }
}
