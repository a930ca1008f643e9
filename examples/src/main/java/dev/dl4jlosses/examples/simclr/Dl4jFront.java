package dev.dl4jlosses.examples.simclr;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import dev.dl4jlosses.examples.images.AugmentedPairs;
import dev.dl4jlosses.training.CachedContrastiveTrainer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The example trained as a DL4J MultiLayerNetwork whose output layer carries the library's ILossFunction: one
 * {@code fit} per batch, or with {@code chunkRows} one {@link CachedContrastiveTrainer} step per batch.
 */
final class Dl4jFront implements TrainingFront {

    private final Encoder encoder;
    private final MultiLayerNetwork net;
    /** Null: {@code fit} on the whole batch. */
    private final CachedContrastiveTrainer cached;

    /** @param chunkRows rows per chunk of cached-gradient training, or null for {@code fit} */
    Dl4jFront(Encoder encoder, MultiLayerNetwork net, Integer chunkRows) {
        this.encoder = encoder;
        this.net = net;
        this.cached = chunkRows == null ? null : new CachedContrastiveTrainer(chunkRows);
    }

    static Dl4jFront restore(Encoder encoder, Path checkpoint, Integer chunkRows) throws IOException {
        return new Dl4jFront(encoder, ModelSerializer.restoreMultiLayerNetwork(checkpoint.toFile(), true), chunkRows);
    }

    @Override
    public void train(AugmentedPairs batches, LossChoice loss, StepDone done) throws IOException, InterruptedException {
        for (AugmentedPairs.Batch b = batches.next(); b != null; b = batches.next()) {
            DataSet step = new DataSet(b.views(), TrainingFront.labels(b, loss));
            if (cached == null) {
                net.fit(step);
                done.after(b, net.score());
            } else {
                done.after(b, cached.fit(net, step));
            }
        }
    }

    @Override
    public long iterations() {
        return net.getIterationCount();
    }

    @Override
    public INDArray features(INDArray images) {
        return TrainingFront.inChunks(images, x -> {
            // activations.get(i + 1) is layer i's output
            List<INDArray> activations = net.feedForwardToLayer(Encoder.ENCODER_LAYERS - 1, x, false);
            return Nd4j.hstack(activations.get(Encoder.MAPS_LAYER + 1), activations.get(Encoder.ENCODER_LAYERS));
        });
    }

    @Override
    public INDArray projections(INDArray images) {
        return TrainingFront.inChunks(images, x -> net.output(x, false));
    }

    @Override
    public void saveCheckpoint(Path file) throws IOException {
        ModelSerializer.writeModel(net, file.toFile(), true);
    }

    @Override
    public ComputationGraph encoderNetwork() {
        ComputationGraph encoderOnly = encoder.dl4jEncoder();
        Encoder.copyInto(encoderOnly, net);
        return encoderOnly;
    }

    @Override
    public SameDiff encoderGraph() {
        SameDiff sd = SameDiff.create();
        encoder.defineSameDiff(sd, false, false, org.nd4j.linalg.api.buffer.DataType.FLOAT);
        Encoder.copyInto(sd, Encoder.parameters(net, Encoder.ENCODER_LAYERS));
        return sd;
    }
}
