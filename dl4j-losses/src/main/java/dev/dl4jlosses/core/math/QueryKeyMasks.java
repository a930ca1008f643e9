package dev.dl4jlosses.core.math;

/**
 * Which keys are a query's positives and which its negatives in a two-tower loss whose kernel lets the caller choose
 * (SigLIP; the user's choice is {@code options.SameIdPairs}).
 */
public interface QueryKeyMasks {

    /**
     * @param self {@code [b, C]} 1 at each query's own key
     * @param same {@code [b, C]} 1 where the key has the query's id (its own included), or null without ids
     */
    <T> PairMasks<T> masks(TensorOps<T> o, T self, T same);
}
