package dev.dl4jlosses.core.math;

/**
 * The per-anchor formula of a loss: from a block of logits and the masks of each anchor's positives and negatives,
 * the anchors' losses and, analytically, their gradient with respect to the logits.
 *
 * <p>Kernels see logits {@code [b, C]} ({@code C} candidates) and 0/1 masks of the same shape. A candidate in
 * neither mask (the anchor itself, a masked example, a truncated negative) takes no part in the loss.
 */
public interface ContrastiveKernel {

    /** Measured upper bound of the {@code [b, C]} temporaries of one block (engine and kernel) for most kernels. */
    int STANDARD_BLOCK_ARRAYS = 28;

    <T> BlockTerms<T> terms(TensorOps<T> o, T logits, T positives, T negatives, boolean withGradient);

    /**
     * Whether, for an anchor with exactly one positive {@code p}, this kernel's loss is the softmax cross-entropy
     * {@code -log(e^{L_p} / (e^{L_p} + Σ_{n ∈ N} e^{L_n})) = softplus(lse_N - L_p)} with its softmax gradient. The
     * eager engines evaluate such batches (two views per id, one key per query) without masks; see
     * {@code core.eager.TwoViewNTXent} and {@code core.eager.OneToOneInfoNCE}.
     */
    default boolean isOnePositiveSoftmax() {
        return false;
    }

    /**
     * Whether an anchor's loss depends on other anchors' pairs (DCLW's batch-wide softmax): then a front evaluates the
     * whole batch as one block, whatever its block size.
     */
    default boolean couplesAnchors() {
        return false;
    }

    /**
     * How many {@code [b, C]} temporaries one block of this kernel allocates, engine included: the eager path sizes
     * its row blocks by it, so that a block stays within the memory budget.
     */
    default int blockArrays() {
        return STANDARD_BLOCK_ARRAYS;
    }

    /**
     * The masks of a block of queries against keys (two-tower losses): by default each query's only positive is its
     * own key and the keys with its id are no negatives ({@link PairMasks#ownKeyAsPositive}).
     *
     * @param self {@code [b, C]} 1 at each query's own key
     * @param same {@code [b, C]} 1 where the candidate has the query's id, or null without ids
     */
    default <T> PairMasks<T> queryKeyMasks(TensorOps<T> o, T self, T same) {
        return PairMasks.ownKeyAsPositive(o, self, same);
    }

    /** 1 for anchors with at least one positive and at least one negative. */
    static <T> T validAnchors(TensorOps<T> o, T positives, T negatives) {
        return o.mul(o.greaterThan(o.rowSum(positives), 0), o.greaterThan(o.rowSum(negatives), 0));
    }

    /** {@code valid / |P(i)|}: the weight of each positive pair in its anchor's mean, 0 for invalid anchors. */
    static <T> T positivePairWeight(TensorOps<T> o, T positives, T valid) {
        return o.div(valid, o.max(o.rowSum(positives), 1));
    }
}
