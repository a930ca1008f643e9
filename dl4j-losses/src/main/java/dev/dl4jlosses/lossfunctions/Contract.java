package dev.dl4jlosses.lossfunctions;

import dev.dl4jlosses.core.math.Reduction;
import dev.dl4jlosses.options.MemoryQueue;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * How a family of DL4J losses reads DL4J's labels and activations (its shape contract) and evaluates them with its
 * eager evaluator. A loss builds its contract once, from its configuration; contracts hold no per-call state.
 */
interface Contract {

    /**
     * @param rowLoss  {@code [B, 1]} each row's loss, reduced to the loss by {@link #reduction()}
     * @param valid    {@code [B, 1]} 1 for valid anchors
     * @param gradient {@code [B, nOut]} gradient of the summed row losses with respect to the activations, or null
     */
    record Evaluation(INDArray rowLoss, INDArray valid, INDArray gradient) {
    }

    /**
     * @param labels  labels as DL4J gives them
     * @param output  activations {@code [B, nOut]}
     * @param keep    {@code [B, 1]} 0/1 example mask, or null
     * @param queued  a memory queue's entries, extra negatives of every anchor with another id, or null
     */
    Evaluation evaluate(INDArray labels, INDArray output, INDArray keep, MemoryQueue.Entries queued, boolean withGradient);

    /**
     * How the rows make the loss: {@link Reduction#MEAN_OVER_VALID_ANCHORS} (rows that are anchors' losses, the
     * default) or {@link Reduction#SUM} (rows that are shares of a loss reduced over the whole batch).
     */
    default Reduction reduction() {
        return Reduction.MEAN_OVER_VALID_ANCHORS;
    }

    /** Whether this family takes extra negatives, so that a memory queue may be put in front of it. */
    default boolean takesExtraNegatives() {
        return false;
    }

    /** The rows of the activations that a memory queue keeps (all of them unless the family says otherwise). */
    default INDArray queuedRows(INDArray output) {
        return output;
    }
}
