package dev.dl4jlosses.benchmarks;

import java.util.function.Supplier;

import dev.dl4jlosses.lossfunctions.LossNTXent;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossMSE;

/**
 * Where the DL4J layer step of {@link TrainingStepBenchmark#layerDl4j} spends its time, as differences of whole
 * steps and calls timed in one JVM: the step with NT-Xent, the same step without DL4J's workspaces, the same step with a loss that costs almost nothing
 * ({@code LossMSE}: DL4J's own share, the layer's products, Adam and the workspaces), the loss's gradient and its
 * score alone on the layer's output (the score right after the gradient on equal arrays is the reused one), and
 * the layer's forward pass. Mean ms per call over {@value #MEASURED} calls after {@value #WARMUP}, each phase
 * repeated {@value #ROUNDS} times interleaved, so that a disturbance hits every phase alike.
 *
 * <pre>java -cp tests/benchmarks/target/benchmarks.jar dev.dl4jlosses.benchmarks.LayerStepProfile</pre>
 */
public final class LayerStepProfile {

    private static final int B = 1024;
    private static final int D = 128;
    private static final int WARMUP = 50;
    private static final int MEASURED = 100;
    private static final int ROUNDS = 3;

    private LayerStepProfile() {
    }

    public static void main(String[] args) {
        DataSet batch = TrainingSteps.layerBatch(B, D);
        MultiLayerNetwork ntXent = TrainingSteps.dl4jLayer(D);
        MultiLayerNetwork mse = layer(new LossMSE(), WorkspaceMode.ENABLED);
        MultiLayerNetwork noWorkspaces = layer(new LossNTXent(TrainingSteps.LAYER_TEMPERATURE), WorkspaceMode.NONE);
        LossNTXent loss = new LossNTXent(TrainingSteps.LAYER_TEMPERATURE);
        INDArray z = ntXent.output(batch.getFeatures());
        INDArray otherZ = z.add(1e-3f);
        INDArray ids = batch.getLabels();
        DataSet regression = new DataSet(batch.getFeatures(), Nd4j.randn(DataType.FLOAT, B, D));
        ActivationIdentity identity = new ActivationIdentity();

        String[] names = {"fit step, NT-Xent", "fit step, NT-Xent, training workspace mode NONE", "fit step, LossMSE",
                "loss gradient alone (computeGradient)",
                "loss gradient + score on equal arrays (as the layer asks)", "loss score alone, input unlike the last gradient's",
                "layer forward (net.output)"};
        Supplier<?>[] phases = {
            () -> { ntXent.fit(batch); return ntXent.score(); },
            () -> { noWorkspaces.fit(batch); return noWorkspaces.score(); },
            () -> { mse.fit(regression); return mse.score(); },
            () -> loss.computeGradient(ids, z, identity, null),
            () -> { loss.computeGradient(ids, z, identity, null); return loss.computeScore(ids, z.dup(), identity, null, true); },
            () -> loss.computeScore(ids, otherZ, identity, null, true),
            () -> ntXent.output(batch.getFeatures()),
        };
        double[][] ms = new double[phases.length][ROUNDS];
        for (int round = 0; round < ROUNDS; round++) {
            for (int p = 0; p < phases.length; p++) {
                ms[p][round] = meanMs(phases[p]);
            }
        }
        for (int p = 0; p < phases.length; p++) {
            StringBuilder s = new StringBuilder(String.format("%-60s", names[p]));
            for (double m : ms[p]) {
                s.append(String.format(" %7.2f", m));
            }
            System.out.println(s.append(" ms"));
        }
    }

    private static MultiLayerNetwork layer(ILossFunction loss, WorkspaceMode workspaces) {
        var conf = new NeuralNetConfiguration.Builder().seed(42).dataType(DataType.FLOAT).trainingWorkspaceMode(workspaces)
                .updater(new Adam(TrainingSteps.LAYER_LEARNING_RATE)).weightInit(WeightInit.XAVIER).list()
                .layer(new OutputLayer.Builder(loss).nIn(D).nOut(D).activation(Activation.IDENTITY).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    private static double meanMs(Supplier<?> phase) {
        for (int i = 0; i < WARMUP; i++) {
            phase.get();
        }
        long start = System.nanoTime();
        for (int i = 0; i < MEASURED; i++) {
            phase.get();
        }
        return (System.nanoTime() - start) / 1e6 / MEASURED;
    }
}
