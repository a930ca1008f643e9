package dev.dl4jlosses.core.math;

/**
 * Positive and negative masks of a block of anchors against a set of candidates, from integer label ids:
 * equal ids are positives, different ids negatives, an anchor is never its own positive or negative, and an
 * example excluded by an example mask is neither an anchor nor a candidate.
 *
 * @param positives {@code [b, C]} 0/1
 * @param negatives {@code [b, C]} 0/1
 */
public record PairMasks<T>(T positives, T negatives) {

    /**
     * @param rowIds    {@code [b, 1]} ids of the anchors
     * @param columnIds {@code [1, C]} ids of the candidates
     * @param self      {@code [b, C]} 1 where the candidate is the anchor itself (may be all zeros)
     * @param rowKeep   {@code [b, 1]} example mask of the anchors, or null
     * @param columnKeep {@code [1, C]} example mask of the candidates, or null
     */
    public static <T> PairMasks<T> fromIds(TensorOps<T> o, T rowIds, T columnIds, T self, T rowKeep, T columnKeep) {
        T same = o.equal(rowIds, columnIds);
        T positives = o.sub(same, self);
        T negatives = o.rsub(same, 1);
        return new PairMasks<>(positives, negatives).keepOnly(o, rowKeep, columnKeep);
    }

    /**
     * Masks for query/key batches: each query's only positive is its own key ({@code self}); the other candidates are
     * negatives, except those with the query's id when {@code same} (the id-equality mask) is given.
     */
    public static <T> PairMasks<T> ownKeyAsPositive(TensorOps<T> o, T self, T same) {
        return new PairMasks<>(self, o.rsub(same == null ? self : same, 1));
    }

    /** Drops anchors outside {@code rowKeep} and candidates outside {@code columnKeep} (either may be null). */
    public PairMasks<T> keepOnly(TensorOps<T> o, T rowKeep, T columnKeep) {
        T keep = rowKeep == null ? columnKeep : columnKeep == null ? rowKeep : o.mul(rowKeep, columnKeep);
        return keep == null ? this : new PairMasks<>(o.mul(positives, keep), o.mul(negatives, keep));
    }

    public PairMasks<T> withNegatives(T newNegatives) {
        return new PairMasks<>(positives, newNegatives);
    }
}
