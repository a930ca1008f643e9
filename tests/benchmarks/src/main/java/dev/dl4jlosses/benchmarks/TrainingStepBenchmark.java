package dev.dl4jlosses.benchmarks;

import java.util.concurrent.TimeUnit;

import dev.dl4jlosses.examples.common.OneDnn;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * One training step (forward, backward, Adam update) on each front, in ms per step, float32 ({@link TrainingSteps}
 * says what is trained): a dense {@code d → d} layer ending in NT-Xent at B rows (DL4J {@code MultiLayerNetwork.fit};
 * SameDiff {@code sd.fit} with {@code SDContrastive.ntXent} on two-view ids, or {@code simClr} on the two halves),
 * next to the loss's own forward + backward; and one step of the simclr-image network on each front at N images
 * (2N views), augmentation excluded (the batch is ready in memory).
 *
 * <p>The SameDiff steps run {@value #STEPS_PER_FIT} steps per {@code sd.fit} call, as the example trains (one call
 * for the whole run); {@code layerSameDiffNtXentFitPerStep} calls {@code sd.fit} once per step, which is what M2.1
 * makes slow (a new training session, and array cache, per call). The simclr methods load nd4j-native's oneDNN
 * build as the example's CLI does ({@link OneDnn#configure}); the others the generic build, as {@link LossBenchmark}.
 *
 * <pre>java -cp tests/benchmarks/target/benchmarks.jar org.openjdk.jmh.Main TrainingStepBenchmark -wi 3 -i 5 -w 2s -r 2s</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g", "-Dorg.bytedeco.javacpp.maxbytes=8G", "-Dorg.bytedeco.javacpp.maxphysicalbytes=10G"})
public class TrainingStepBenchmark {

    /** Steps per {@code sd.fit} call of the SameDiff benchmarks (one training session over them). */
    static final int STEPS_PER_FIT = 10;

    @Param({"1024"})
    public int layerBatch;
    @Param({"128"})
    public int layerWidth;
    @Param({"128"})
    public int images;

    private Workload loss;
    private DataSet batch;
    private MultiDataSet sameDiffBatch;
    private MultiLayerNetwork net;
    private SameDiff sd;

    @Setup(Level.Trial)
    public void setUp(BenchmarkParams params) {
        String method = params.getBenchmark().substring(params.getBenchmark().lastIndexOf('.') + 1);
        if (method.startsWith("simclr")) {
            OneDnn.configure();    // before ND4J loads its natives
            batch = TrainingSteps.simclrBatch(images);
        } else {
            batch = TrainingSteps.layerBatch(layerBatch, layerWidth);
        }
        switch (method) {
            case "lossAlone" -> {
                loss = new Workload(Workload.Loss.NTXENT, layerBatch, layerWidth);
                loss.prepareLossFunction();
            }
            case "layerDl4j" -> net = TrainingSteps.dl4jLayer(layerWidth);
            case "layerSameDiffNtXent", "layerSameDiffNtXentFitPerStep" -> sd = TrainingSteps.sameDiffLayer(layerWidth, false);
            case "layerSameDiffSimClr" -> {
                sd = TrainingSteps.sameDiffLayer(layerWidth, true);
                sameDiffBatch = TrainingSteps.featuresOnly(batch);
            }
            case "simclrDl4j" -> net = TrainingSteps.dl4jSimclr();
            case "simclrSameDiff" -> sd = TrainingSteps.sameDiffSimclr();
            default -> throw new IllegalStateException(params.getBenchmark());
        }
        if (sd != null && sameDiffBatch == null) {
            sameDiffBatch = batch.toMultiDataSet();
        }
    }

    /** {@code LossNTXent.computeGradientAndScore} at the layer's B and d: the loss alone, the layer step's floor. */
    @Benchmark
    public Object lossAlone() {
        return loss.lossFunction();
    }

    @Benchmark
    public double layerDl4j() {
        net.fit(batch);
        return net.score();
    }

    @Benchmark
    @OperationsPerInvocation(STEPS_PER_FIT)
    public Object layerSameDiffNtXent() {
        return sd.fit(new TrainingSteps.RepeatedBatch(sameDiffBatch, STEPS_PER_FIT), 1);
    }

    @Benchmark
    @OperationsPerInvocation(STEPS_PER_FIT)
    public Object layerSameDiffSimClr() {
        return sd.fit(new TrainingSteps.RepeatedBatch(sameDiffBatch, STEPS_PER_FIT), 1);
    }

    @Benchmark
    public Object layerSameDiffNtXentFitPerStep() {
        return sd.fit(sameDiffBatch);
    }

    @Benchmark
    public double simclrDl4j() {
        net.fit(batch);
        return net.score();
    }

    @Benchmark
    @OperationsPerInvocation(STEPS_PER_FIT)
    public Object simclrSameDiff() {
        return sd.fit(new TrainingSteps.RepeatedBatch(sameDiffBatch, STEPS_PER_FIT), 1);
    }
}
