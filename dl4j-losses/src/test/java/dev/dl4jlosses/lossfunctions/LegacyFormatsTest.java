package dev.dl4jlosses.lossfunctions;

import static dev.dl4jlosses.testing.Assertions.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import dev.dl4jlosses.options.HardNegatives;
import dev.dl4jlosses.options.MemoryQueue;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/**
 * Files written by the version before the layers became packages (commit 403faa8; written by
 * {@code src/test/resources/legacy/LegacyFixtures.java} against that version's jar): DL4J's JSON configurations of
 * every loss, and a model saved with its memory queue as the README says. This version reads them as they are.
 */
class LegacyFormatsTest {

    private static final String DIR = "/legacy/403faa8/";

    @TempDir
    Path dir;

    static Stream<Arguments> configurations() {
        return Stream.of(
                Arguments.of("ntxent-default", new LossNTXent()),
                Arguments.of("ntxent-options", LossNTXent.builder().temperature(0.2).normalize(false).memoryBudgetBytes(1 << 20)
                        .blockRows(3).hardNegatives(HardNegatives.topK(2)).memoryQueue(16).build()),
                Arguments.of("supcon", LossSupCon.builder().temperature(0.07).hardNegatives(HardNegatives.threshold(-0.1)).build()),
                Arguments.of("infonce", LossInfoNCE.builder().temperature(0.05).symmetric(true)
                        .hardNegatives(HardNegatives.topFraction(0.5)).memoryQueue(8).build()),
                Arguments.of("circle", LossCircle.builder().margin(0.3).gamma(64).detachWeights(false).build()),
                Arguments.of("simple", new LossSimple(0.5)),
                Arguments.of("contrastive-margin", LossContrastiveMargin.builder().positiveMargin(0.1).negativeMargin(0.8)
                        .normalize(false).build()),
                Arguments.of("triplet", LossTripletMargin.builder().margin(0.2).batchHard(true).build()),
                Arguments.of("lifted", LossLiftedStructure.builder().negativeMargin(1.5).positiveMargin(0.25).build()),
                Arguments.of("npairs", new LossNPairs(false)),
                Arguments.of("nce", new LossNCE(0.5, true)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configurations")
    void jsonConfigurationsOfTheEarlierVersionRead(String file, ILossFunction expected) throws IOException {
        String json;
        try (InputStream in = LegacyFormatsTest.class.getResourceAsStream(DIR + file + ".json")) {
            json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        ILossFunction read = ((OutputLayer) MultiLayerConfiguration.fromJson(json).getConf(1).getLayer()).getLossFn();
        assertEquals(expected, read);
    }

    @Test
    void aModelAndItsQueueSavedByTheEarlierVersionRestore() throws Exception {
        File model = dir.resolve("model.zip").toFile();
        try (InputStream in = LegacyFormatsTest.class.getResourceAsStream(DIR + "infonce-with-queue.zip")) {
            Files.copy(in, model.toPath());
        }
        MultiLayerNetwork restored = ModelSerializer.restoreMultiLayerNetwork(model, true);
        LossInfoNCE loss = (LossInfoNCE) ((OutputLayer) restored.getLayerWiseConfigurations().getConf(1).getLayer()).getLossFn();
        assertEquals(LossInfoNCE.builder().temperature(0.1).memoryQueue(5).build(), loss);
        loss.getMemoryQueue().restore(ModelSerializer.getObjectFromFile(model, "memoryQueue"));

        INDArray keys = Nd4j.linspace(DataType.FLOAT, 1, 12, 1).reshape(3, 4);
        MemoryQueue.Entries entries = loss.getMemoryQueue().entries();
        assertClose(keys, entries.keys(), 0, 0, "queued keys");
        assertClose(Nd4j.createFromArray(7f, 8f, 9f).reshape(3, 1), entries.ids(), 0, 0, "queued ids");
        loss.getMemoryQueue().enqueueStaged();
        assertEquals(5, loss.getMemoryQueue().size(), "the staged keys were saved too");
        assertClose(keys.getRows(0, 1).mul(-1), loss.getMemoryQueue().entries().keys().getRows(3, 4), 0, 0, "staged keys");
    }
}
