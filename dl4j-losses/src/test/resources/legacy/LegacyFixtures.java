import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.dl4jlosses.core.HardNegatives;
import dev.dl4jlosses.lossfunctions.*;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/** Writes, with the library version on the class path, the configurations and a model file that later versions must read. */
public class LegacyFixtures {
    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        Files.createDirectories(out);
        Map<String, ILossFunction> losses = new LinkedHashMap<>();
        losses.put("ntxent-default", new LossNTXent());
        losses.put("ntxent-options", LossNTXent.builder().temperature(0.2).normalize(false).memoryBudgetBytes(1 << 20).blockRows(3)
                .hardNegatives(HardNegatives.topK(2)).memoryQueue(16).build());
        losses.put("supcon", LossSupCon.builder().temperature(0.07).hardNegatives(HardNegatives.threshold(-0.1)).build());
        losses.put("infonce", LossInfoNCE.builder().temperature(0.05).symmetric(true).hardNegatives(HardNegatives.topFraction(0.5))
                .memoryQueue(8).build());
        losses.put("circle", LossCircle.builder().margin(0.3).gamma(64).detachWeights(false).build());
        losses.put("simple", new LossSimple(0.5));
        losses.put("contrastive-margin", LossContrastiveMargin.builder().positiveMargin(0.1).negativeMargin(0.8).normalize(false).build());
        losses.put("triplet", LossTripletMargin.builder().margin(0.2).batchHard(true).build());
        losses.put("lifted", LossLiftedStructure.builder().negativeMargin(1.5).positiveMargin(0.25).build());
        losses.put("npairs", new LossNPairs(false));
        losses.put("nce", new LossNCE(0.5, true));
        for (Map.Entry<String, ILossFunction> e : losses.entrySet()) {
            Files.writeString(out.resolve(e.getKey() + ".json"), config(e.getValue()).toJson());
        }

        // a model trained with a memory queue, saved as the README says: the network, then the queue's contents
        LossInfoNCE loss = LossInfoNCE.builder().temperature(0.1).memoryQueue(5).build();
        MultiLayerNetwork net = new MultiLayerNetwork(config(loss));
        net.init();
        INDArray keys = Nd4j.linspace(DataType.FLOAT, 1, 12, 1).reshape(3, 4);
        loss.getMemoryQueue().enqueue(keys, Nd4j.createFromArray(7f, 8f, 9f).reshape(3, 1));
        loss.getMemoryQueue().stage(keys.getRows(0, 1).mul(-1), Nd4j.createFromArray(10f, 11f).reshape(2, 1));
        File model = out.resolve("infonce-with-queue.zip").toFile();
        ModelSerializer.writeModel(net, model, true);
        ModelSerializer.addObjectToFile(model, "memoryQueue", loss.getMemoryQueue());
    }

    private static MultiLayerConfiguration config(ILossFunction loss) {
        return new NeuralNetConfiguration.Builder().seed(7).updater(new Adam(1e-2)).list()
                .layer(new DenseLayer.Builder().nIn(6).nOut(8).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(loss).nIn(8).nOut(8).activation(Activation.IDENTITY).build())
                .build();
    }
}
