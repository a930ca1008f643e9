package dev.dl4jlosses.lossfunctions;

import dev.dl4jlosses.core.Checks;
import dev.dl4jlosses.options.MemoryQueue;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * A memory queue in front of any loss whose {@link Contract} takes extra negatives, as pytorch-metric-learning's
 * {@code CrossBatchMemory} wraps a loss: MoCo's queue of keys (He et al. 2020), XBM's cross-batch memory (Wang et al.
 * 2020). The queue's entries join every anchor's negatives, except those with the anchor's id.
 *
 * <p>A gradient computation is a training step: the keys staged by the previous step join the queue first, the loss
 * is evaluated, then this step's kept rows are staged, so the score DL4J computes after the gradient sees the same
 * entries and a batch never serves as its own queued negative. Scores computed outside training leave the queue as
 * it is.
 */
final class CrossBatchMemory {

    private final MemoryQueue queue;

    CrossBatchMemory(int capacity) {
        this.queue = new MemoryQueue(capacity);
    }

    MemoryQueue queue() {
        return queue;
    }

    /** @param loss the loss's name, for messages */
    Contract.Evaluation evaluate(Contract contract, String loss, INDArray labels, INDArray output, INDArray keep,
                                 boolean withGradient) {
        if (labels == null || labels.isEmpty()) {
            throw new IllegalArgumentException(loss + " with a memory queue needs labels: one id per row [N, 1] (so that "
                    + "queued entries with an anchor's id are not its negatives); got none for preOutput " + Checks.shape(output));
        }
        if (withGradient) {
            queue.enqueueStaged();
        }
        Contract.Evaluation e = contract.evaluate(labels, output, keep, queue.entries(), withGradient);
        if (withGradient) {
            stageKeptRows(contract.queuedRows(output), labels, keep);
        }
        return e;
    }

    /** Stages the detached rows of the examples the mask keeps (masked rows are padding, not negatives). */
    private void stageKeptRows(INDArray rows, INDArray labels, INDArray keep) {
        INDArray ids = Checks.perRowColumn("labels", labels, "keys", rows);
        if (keep == null || keep.minNumber().doubleValue() > 0) {
            queue.stage(rows, ids);
            return;
        }
        INDArray keptRows = Nd4j.where(keep.reshape(keep.length()).gt(0), null, null)[0];
        if (keptRows.length() > 0) {
            queue.stage(rows.get(NDArrayIndex.indices(keptRows.toLongVector()), NDArrayIndex.all()),
                    ids.get(NDArrayIndex.indices(keptRows.toLongVector()), NDArrayIndex.all()));
        }
    }
}
