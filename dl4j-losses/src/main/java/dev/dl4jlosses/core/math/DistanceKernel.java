package dev.dl4jlosses.core.math;

/**
 * A loss over the pairwise distances of a whole batch (contrastive margin, triplet, lifted structure): from the
 * distance matrix {@code [B, B]} and the masks of positive and negative pairs, each row's share of the loss and,
 * analytically, the gradient with respect to the distances.
 *
 * <p>These losses are reduced over pairs or triplets of the whole batch (as pytorch-metric-learning's reducers do),
 * not over anchors, so a kernel sees the whole batch at once, reduces its terms by their {@link Reduction} and returns
 * row shares that already sum to the loss (whose own reduction is then {@link Reduction#SUM}).
 */
public interface DistanceKernel {

    <T> Terms<T> terms(TensorOps<T> o, T distance, T positives, T negatives, boolean withGradient);

    /**
     * @param rowLoss      {@code [B, 1]} each anchor's share: the sum of its pairs' or triplets' terms divided by the
     *                     batch's normaliser, so that the loss is {@code Σ rowLoss}
     * @param valid        {@code [B, 1]} 1 for anchors that take part in at least one pair or triplet
     * @param gradDistance {@code [B, B]} derivative of the loss with respect to the distances, or null
     */
    record Terms<T>(T rowLoss, T valid, T gradDistance) {
    }
}
