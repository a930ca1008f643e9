package dev.dl4jlosses.core.math;

/**
 * How terms become a loss: the one place that decides what a sum of terms is divided by. Kernels return sums of
 * terms (an anchor's loss, a row's hinge terms); a loss declares the reduction of its rows, and each front applies
 * it once: the SameDiff node divides by {@link #denominator}, the DL4J front maps it to DL4J's score convention
 * (the sum of the rows divided by the batch size).
 */
public enum Reduction {

    /**
     * The mean over valid anchors ({@code members}: 1 for an anchor with a positive and a negative), 0 when none is
     * valid: the softmax losses, circle, L_simple, N-pairs, NCE.
     */
    MEAN_OVER_VALID_ANCHORS,

    /**
     * The mean over the terms that are not 0, pytorch-metric-learning's {@code AvgNonZeroReducer}: the two parts of
     * the contrastive margin loss, the triplet losses. Its denominator is held constant in the gradient.
     */
    AVERAGE_OVER_NON_ZERO,

    /** The mean over pairs ({@code members}: the 0/1 mask of the pairs), pytorch-metric-learning's {@code MeanReducer}: lifted structure. */
    MEAN_OVER_PAIRS,

    /** The plain sum: rows that are already shares of a loss reduced over the whole batch (the distance losses). */
    SUM;

    /**
     * What the sum of {@code terms} is divided by, as a scalar: {@code max(1, Σ members)}, the number of entries the
     * mean is over (at least 1, so that a loss without any is 0, never NaN); null for {@link #SUM}.
     *
     * @param terms   the terms being reduced; read only by {@link #AVERAGE_OVER_NON_ZERO} when {@code members} is null
     * @param members 0/1, the entries the mean is over: the valid anchors, the pairs, or (for
     *                {@link #AVERAGE_OVER_NON_ZERO}) the indicator of the non-zero terms when the caller has it already
     */
    public <T> T denominator(TensorOps<T> o, T terms, T members) {
        return switch (this) {
            case MEAN_OVER_VALID_ANCHORS, MEAN_OVER_PAIRS -> o.max(o.sum(members), 1);
            case AVERAGE_OVER_NON_ZERO -> o.max(o.sum(members == null ? o.greaterThan(terms, 0) : members), 1);
            case SUM -> null;
        };
    }

    /** {@code Σ terms / denominator}, as a scalar. */
    public <T> T reduce(TensorOps<T> o, T terms, T members) {
        T denominator = denominator(o, terms, members);
        return denominator == null ? o.sum(terms) : o.div(o.sum(terms), denominator);
    }
}
