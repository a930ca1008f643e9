package dev.dl4jlosses.core.engine;

import dev.dl4jlosses.core.math.DistanceKernel;
import dev.dl4jlosses.core.math.PairDistances;
import dev.dl4jlosses.core.math.PairMasks;
import dev.dl4jlosses.core.math.TensorOps;

/**
 * Losses over the pairwise Euclidean distances of one embedding matrix {@code [B, d]} ({@link DistanceKernel}s), shared
 * by both fronts: distances, masks from label ids, the kernel, and the gradient with respect to the embeddings. The
 * whole batch is one block (the kernels reduce over all pairs or triplets of the batch).
 */
public final class DistanceEngine {

    /**
     * @param rowLoss  {@code [B, 1]} each row's share of the loss (they sum to the loss)
     * @param valid    {@code [B, 1]} 1 for rows that take part as anchors
     * @param gradient {@code [B, d]} gradient of the loss with respect to the embeddings, or null
     */
    public record Output<T>(T rowLoss, T valid, T gradient) {
    }

    private DistanceEngine() {
    }

    /**
     * @param ids  {@code [B, 1]} label ids
     * @param keep {@code [B, 1]} 0/1 example mask, or null
     */
    public static <T> Output<T> evaluate(TensorOps<T> o, DistanceKernel kernel, T embeddings, T ids, T keep,
                                         boolean normalize, boolean withGradient) {
        PairDistances.Distances<T> d = PairDistances.of(o, embeddings, normalize);
        PairMasks<T> masks = PairMasks.fromIds(o, ids, o.columnToRow(ids), o.diagonalMask(d.distance(), 0), keep,
                keep == null ? null : o.columnToRow(keep));
        DistanceKernel.Terms<T> terms = kernel.terms(o, d.distance(), masks.positives(), masks.negatives(), withGradient);
        return new Output<>(terms.rowLoss(), terms.valid(),
                withGradient ? PairDistances.backward(o, d, terms.gradDistance()) : null);
    }
}
