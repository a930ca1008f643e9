package dev.dl4jlosses.lossfunctions;

import java.util.concurrent.atomic.AtomicBoolean;

import dev.dl4jlosses.core.Blocking;
import dev.dl4jlosses.core.Checks;
import dev.dl4jlosses.core.MemoryQueue;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.shade.jackson.annotation.JsonIgnore;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * DL4J plumbing shared by the contrastive losses: activation forward/backward, per-example masks, score reduction,
 * and the working-memory settings of the eager path.
 *
 * <p>Conventions: {@code preOutput} is {@code [B, nOut]}; labels are a {@code [B, 1]} column of integer ids; a
 * per-example mask ({@code [B, 1]}) removes an example both as an anchor and as a candidate.
 * {@link #computeScoreArray} gives each row's loss (0 for an invalid anchor); {@link #computeScore} with
 * {@code average=true} divides their sum by B (DL4J's convention, equal to the mean over valid anchors when every
 * anchor is valid); {@link #computeGradient} is the gradient of the summed row losses.
 */
public abstract class ContrastiveLossFunction implements ILossFunction {

    private static final Logger LOG = LogManager.getLogger(ContrastiveLossFunction.class);
    private static final AtomicBoolean WARNED_NO_VALID_ANCHOR = new AtomicBoolean();

    @JsonProperty("memoryBudgetBytes")
    protected final long memoryBudgetBytes;
    @JsonProperty("blockRows")
    protected final int blockRows;

    protected ContrastiveLossFunction(long memoryBudgetBytes, int blockRows) {
        new Blocking(memoryBudgetBytes, blockRows);
        this.memoryBudgetBytes = memoryBudgetBytes;
        this.blockRows = blockRows;
    }

    /**
     * @param rowLoss  {@code [B, 1]}
     * @param valid    {@code [B, 1]} 1 for valid anchors
     * @param gradient {@code [B, nOut]} gradient of the summed row losses with respect to the activations, or null
     */
    protected record Evaluation(INDArray rowLoss, INDArray valid, INDArray gradient) {
    }

    /**
     * @param labels      labels as given by DL4J
     * @param output      activations {@code [B, nOut]}
     * @param exampleMask {@code [B, 1]} 0/1, or null
     */
    protected abstract Evaluation evaluate(INDArray labels, INDArray output, INDArray exampleMask, boolean withGradient);

    /**
     * The loss's memory of past keys (configured with the builder's {@code memoryQueue(size)}), or null.
     *
     * <p>The loss fills it itself: each gradient computation is a training step, which first enqueues the keys staged
     * by the previous step and then stages its own batch's (detached copies, with their ids), so no listener is needed
     * and {@code net.fit} is all it takes; scores computed outside training ({@code net.score(data)}) leave it as is.
     * DL4J's JSON configuration holds the queue's size, not its contents: save those next to the model and restore
     * them after loading it (the loss in the loaded configuration starts with an empty queue of the same size):
     * <pre>{@code
     * ModelSerializer.writeModel(net, file, true);
     * ModelSerializer.addObjectToFile(file, "memoryQueue", loss.getMemoryQueue());
     * // later
     * MultiLayerNetwork restored = ModelSerializer.restoreMultiLayerNetwork(file, true);
     * ContrastiveLossFunction restoredLoss = (ContrastiveLossFunction) ((OutputLayer) restored.getLayerWiseConfigurations()
     *         .getConf(restored.getnLayers() - 1).getLayer()).getLossFn();
     * restoredLoss.getMemoryQueue().restore(ModelSerializer.getObjectFromFile(file, "memoryQueue"));
     * }</pre>
     * The queue belongs to this loss object, so networks built from one configuration object (or cloned) share it.
     */
    @JsonIgnore
    public MemoryQueue getMemoryQueue() {
        return null;
    }

    /** The rows of the activations {@code [B, nOut]} that a memory queue keeps: all of them unless overridden. */
    protected INDArray keysToQueue(INDArray output) {
        return output;
    }

    protected Blocking blocking() {
        return new Blocking(memoryBudgetBytes, blockRows);
    }

    public long getMemoryBudgetBytes() {
        return memoryBudgetBytes;
    }

    public int getBlockRows() {
        return blockRows;
    }

    @Override
    public double computeScore(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask, boolean average) {
        return reduce(computeScoreArray(labels, preOutput, activationFn, mask), average);
    }

    @Override
    public INDArray computeScoreArray(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        return run(labels, preOutput, activationFn, mask, false).rowLoss();
    }

    @Override
    public INDArray computeGradient(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        return backprop(preOutput, activationFn, run(labels, preOutput, activationFn, mask, true).gradient());
    }

    @Override
    public Pair<Double, INDArray> computeGradientAndScore(INDArray labels, INDArray preOutput, IActivation activationFn,
                                                          INDArray mask, boolean average) {
        Evaluation e = run(labels, preOutput, activationFn, mask, true);
        return new Pair<>(reduce(e.rowLoss(), average), backprop(preOutput, activationFn, e.gradient()));
    }

    @Override
    public String name() {
        return getClass().getSimpleName();
    }

    @Override
    public boolean equals(Object o) {
        return o != null && o.getClass() == getClass() && memoryBudgetBytes == ((ContrastiveLossFunction) o).memoryBudgetBytes
                && blockRows == ((ContrastiveLossFunction) o).blockRows;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(memoryBudgetBytes) * 31 + blockRows;
    }

    /** Options every contrastive loss shares: the working memory of the eager path. */
    @SuppressWarnings("unchecked")
    public abstract static class Builder<L extends ContrastiveLossFunction, B extends Builder<L, B>> {
        protected long memoryBudgetBytes = Blocking.DEFAULT_MEMORY_BUDGET;
        protected int blockRows;

        /** Working memory for one block of anchors (default 1 GiB); larger batches are split into row blocks. */
        public B memoryBudgetBytes(long bytes) {
            this.memoryBudgetBytes = bytes;
            return (B) this;
        }

        /** A fixed number of anchor rows per block (default 0: derived from the memory budget). */
        public B blockRows(int rows) {
            this.blockRows = rows;
            return (B) this;
        }

        public abstract L build();
    }

    private Evaluation run(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask, boolean withGradient) {
        Checks.matrix("preOutput", preOutput);
        // the identity (the usual projection-head output) needs no copy: the losses never write to their input
        INDArray output = activationFn instanceof ActivationIdentity ? preOutput : activationFn.getActivation(preOutput.dup(), true);
        INDArray keep = exampleMask(mask, preOutput);
        MemoryQueue queue = getMemoryQueue();
        if (queue != null && withGradient) {
            // a gradient computation is a training step: the previous step's keys join the queue now, and this
            // step's join at the next one, so the score DL4J computes after the gradient sees the same entries
            queue.enqueueStaged();
        }
        Evaluation e = evaluate(labels, output, keep, withGradient);
        if (queue != null && withGradient) {
            stageKeptRows(queue, keysToQueue(output), labels, keep);
        }
        if (e.valid().rows() > 0 && e.valid().maxNumber().doubleValue() == 0 && WARNED_NO_VALID_ANCHOR.compareAndSet(false, true)) {
            LOG.warn("{}: no row of this batch of {} is a valid anchor (each needs a positive and a negative), so loss and "
                    + "gradient are 0. Check the labels (shape {}); this is logged once.", name(), preOutput.rows(),
                    labels == null ? "null" : Checks.shape(labels));
        }
        return e;
    }

    /** Stages the detached keys of the examples the mask keeps (masked rows are padding, not negatives). */
    private static void stageKeptRows(MemoryQueue queue, INDArray keys, INDArray labels, INDArray keep) {
        INDArray ids = Checks.perRowColumn("labels", labels, "keys", keys);
        if (keep == null || keep.minNumber().doubleValue() > 0) {
            queue.stage(keys, ids);
            return;
        }
        INDArray keptRows = Nd4j.where(keep.reshape(keep.length()).gt(0), null, null)[0];
        if (keptRows.length() > 0) {
            queue.stage(keys.get(NDArrayIndex.indices(keptRows.toLongVector()), NDArrayIndex.all()),
                    ids.get(NDArrayIndex.indices(keptRows.toLongVector()), NDArrayIndex.all()));
        }
    }

    private static INDArray backprop(INDArray preOutput, IActivation activationFn, INDArray gradient) {
        return activationFn instanceof ActivationIdentity ? gradient : activationFn.backprop(preOutput.dup(), gradient).getFirst();
    }

    private static double reduce(INDArray rowLoss, boolean average) {
        double sum = rowLoss.sumNumber().doubleValue();
        return average && rowLoss.rows() > 0 ? sum / rowLoss.rows() : sum;
    }

    /** DL4J's per-example mask as a {@code [B, 1]} column; per-output masks have no meaning for these losses. */
    private static INDArray exampleMask(INDArray mask, INDArray preOutput) {
        if (mask == null) {
            return null;
        }
        if (mask.rank() == 2 && mask.columns() != 1 && mask.rows() == preOutput.rows()) {
            throw new IllegalArgumentException("contrastive losses take a per-example mask [" + preOutput.rows()
                    + ", 1]; got a per-output mask of shape " + Checks.shape(mask) + " for preOutput " + Checks.shape(preOutput));
        }
        return Checks.perRowColumn("mask", mask, "preOutput", preOutput);
    }
}
