package dev.dl4jlosses.examples.simclr;

import java.nio.file.Path;
import java.util.Map;

import dev.dl4jlosses.examples.common.LastLoss;
import dev.dl4jlosses.examples.images.AugmentedPairs;
import dev.dl4jlosses.options.HardNegatives;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.IUpdater;

/** The example trained as a SameDiff graph whose loss is an {@code SDContrastive} node. */
final class SameDiffFront implements TrainingFront {

    static final String LABELS = "labels";
    static final String LOSS = "loss";

    private final Encoder encoder;
    private final SameDiff sd;

    private final LastLoss lastLoss = new LastLoss(LOSS);

    private SameDiffFront(Encoder encoder, SameDiff sd) {
        this.encoder = encoder;
        this.sd = sd;
        sd.addListeners(lastLoss, new BatchNormStatistics());
    }

    /** A new graph initialised with the parameters of {@code initial} (so both fronts start from the same weights). */
    static SameDiffFront create(Encoder encoder, MultiLayerNetwork initial, LossChoice loss, double temperature,
                                HardNegatives hardNegatives, IUpdater updater, double weightDecay) {
        SameDiff sd = SameDiff.create();
        SDVariable z = encoder.defineSameDiff(sd, true, true, DataType.FLOAT);
        SDVariable labels = sd.placeHolder(LABELS, DataType.FLOAT, -1, 1);
        loss.sameDiff(sd, LOSS, z, labels, temperature, hardNegatives);
        Encoder.copyInto(sd, Encoder.parameters(initial, Integer.MAX_VALUE));
        sd.setTrainingConfig(TrainingConfig.builder().updater(updater).weightDecay(weightDecay, true)
                .dataSetFeatureMapping(Encoder.INPUT).dataSetLabelMapping(LABELS).build());
        return new SameDiffFront(encoder, sd);
    }

    static SameDiffFront restore(Encoder encoder, Path checkpoint) {
        return new SameDiffFront(encoder, SameDiff.load(checkpoint.toFile(), true));
    }

    /**
     * One {@code sd.fit} over all batches, not one per batch: M2.1 creates a training session per {@code fit} call,
     * and its array cache lives as long as the session, so only a session that lasts the whole run reuses the
     * previous steps' arrays instead of allocating (and page-faulting) every intermediate afresh: 1.44× faster per
     * step here (README, "Speed").
     */
    @Override
    public void train(AugmentedPairs batches, LossChoice loss, StepDone done) {
        sd.fit(new StepIterator(batches, b -> new org.nd4j.linalg.dataset.MultiDataSet(b.views(), TrainingFront.labels(b, loss)), done,
                lastLoss::value), 1);
    }

    @Override
    public long iterations() {
        return sd.getTrainingConfig().getIterationCount();
    }

    @Override
    public INDArray features(INDArray images) {
        SameDiff inference = inferenceGraph(false);
        return TrainingFront.inChunks(images, x -> inference.output(Map.of(Encoder.INPUT, x), Encoder.FEATURES).get(Encoder.FEATURES));
    }

    @Override
    public INDArray projections(INDArray images) {
        SameDiff inference = inferenceGraph(true);
        return TrainingFront.inChunks(images, x -> inference.output(Map.of(Encoder.INPUT, x), Encoder.PROJECTION).get(Encoder.PROJECTION));
    }

    @Override
    public void saveCheckpoint(Path file) {
        sd.save(file.toFile(), true);
    }

    @Override
    public ComputationGraph encoderNetwork() {
        ComputationGraph net = encoder.dl4jEncoder();
        Encoder.copyInto(net, sd);
        return net;
    }

    @Override
    public SameDiff encoderGraph() {
        return inferenceGraph(false);
    }

    /**
     * The encoder (with the head when {@code withHead}) in inference mode, batch norm on the running averages, with
     * copies of the training graph's current weights and averages.
     */
    private SameDiff inferenceGraph(boolean withHead) {
        SameDiff inference = SameDiff.create();
        encoder.defineSameDiff(inference, withHead, false, DataType.FLOAT);
        inference.variables().stream().filter(v -> Encoder.isParameter(v.name()))
                .forEach(v -> v.getArr().assign(sd.getVariable(v.name()).getArr()));
        return inference;
    }
}
