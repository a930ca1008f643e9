package dev.dl4jlosses.examples.simclr;

import java.io.IOException;
import java.nio.file.Path;

import dev.dl4jlosses.examples.images.AugmentedPairs;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The encoder + head + loss of the SimCLR example, trained through one of the library's two fronts. */
public interface TrainingFront {

    /** Images per forward pass when only inference is needed. */
    int INFERENCE_BATCH = 1000;

    /** What the training loop does after each step, e.g. record the loss, report progress, write a checkpoint. */
    @FunctionalInterface
    interface StepDone {
        void after(AugmentedPairs.Batch batch, double loss) throws IOException;
    }

    /**
     * One optimisation step per batch of {@code batches} until it ends, calling {@code done} after each (when the
     * step's update and its iteration count are in place, so a checkpoint written there is consistent).
     */
    void train(AugmentedPairs batches, LossChoice loss, StepDone done) throws IOException, InterruptedException;

    /** The labels a loss trains on: class ids for supervised losses, image ids (the two views' shared id) otherwise. */
    static INDArray labels(AugmentedPairs.Batch batch, LossChoice loss) {
        return loss.usesClassLabels() ? batch.classIds() : batch.imageIds();
    }

    /** Encoder output {@code h} ({@code [n, featureDim]}) of images {@code [n, C, H, W]}. */
    INDArray features(INDArray images);

    /** Projection-head output {@code z} ({@code [n, projectionDim]}), what the loss compares. */
    INDArray projections(INDArray images);

    /** Optimisation steps taken so far (restored with a checkpoint). */
    long iterations();

    /** The whole training state (parameters, updater state, iteration count). */
    void saveCheckpoint(Path file) throws IOException;

    /** The encoder (features {@code h}, without the rest of the projection head) as a DL4J network. */
    ComputationGraph encoderNetwork();

    /** The encoder without its projection head, as a SameDiff graph: placeholder "images", output "features". */
    SameDiff encoderGraph();

    /** Applies {@code forward} to row chunks of {@code images} and stacks the results. */
    static INDArray inChunks(INDArray images, java.util.function.UnaryOperator<INDArray> forward) {
        long n = images.size(0);
        INDArray[] parts = new INDArray[(int) ((n + INFERENCE_BATCH - 1) / INFERENCE_BATCH)];
        for (int i = 0; i < parts.length; i++) {
            long from = (long) i * INFERENCE_BATCH;
            parts[i] = forward.apply(images.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(from, Math.min(n, from + INFERENCE_BATCH))));
        }
        return parts.length == 1 ? parts[0] : org.nd4j.linalg.factory.Nd4j.concat(0, parts);
    }
}
