package dev.dl4jlosses.core.math;

import java.util.List;

/**
 * The array operations every loss formula in this library is written in.
 *
 * <p>Each loss is defined once, generically over {@code T}, and executed two ways: {@code core.eager.NDArrayOps} evaluates
 * eagerly on {@code INDArray}s (the DL4J front), {@code dev.dl4jlosses.samediff.SameDiffOps} adds built-in graph
 * ops on {@code SDVariable}s (the SameDiff front). Only built-in ND4J ops are used, so both run on any backend.
 *
 * <p>Conventions: binary operations broadcast like NumPy; "row" reductions act along dimension 1 and keep it
 * ({@code [n, m] -> [n, 1]}); masks are 0/1 arrays of the compute type. Methods ending in {@code InPlace} may
 * overwrite and return their first argument, so the caller must not use that argument afterwards.
 */
public interface TensorOps<T> {

    /** Stands in for minus infinity in masked log-sum-exps: large enough to vanish, finite so no NaN appears. */
    double MASKED_LOGIT = 1e30;

    T add(T a, T b);

    T sub(T a, T b);

    T mul(T a, T b);

    T div(T a, T b);

    T add(T a, double s);

    T mul(T a, double s);

    /** {@code s - a}. */
    T rsub(T a, double s);

    T exp(T a);

    T log(T a);

    T abs(T a);

    T sqrt(T a);

    T square(T a);

    T relu(T a);

    T sigmoid(T a);

    /** Elementwise {@code max(a, s)}. */
    T max(T a, double s);

    /** {@code [n, m] -> [n, 1]}. */
    T rowSum(T a);

    /** {@code [n, m] -> [n, 1]}. */
    T rowMax(T a);

    /** Sum of all elements, as a scalar. */
    T sum(T a);

    T mmul(T a, T b, boolean transposeA, boolean transposeB);

    /** 1 where {@code a == b}, else 0 (broadcasting). */
    T equal(T a, T b);

    /** 1 where {@code a >= b}, else 0 (broadcasting). */
    T greaterOrEqual(T a, T b);

    /** 1 where {@code a > s}, else 0. */
    T greaterThan(T a, double s);

    /** Rows {@code [from, to)} of a matrix. */
    T rows(T a, long from, long to);

    /** Stacks matrices vertically; a single part is returned as is. */
    T concatRows(List<T> parts);

    /** {@code [a | b]} along dimension 1. */
    T concatColumns(T a, T b);

    /** The rows of {@code a} split in two: the first {@code rows(headLike)} rows, and the rest. */
    List<T> splitRows(T a, T headLike);

    /** A {@code [n, 1]} column as a {@code [1, n]} row. */
    T columnToRow(T column);

    T zerosLike(T a);

    T onesLike(T a);

    /**
     * The mask of the diagonal of a square matrix, cut to the rows {@code [rowOffset, rowOffset + rows(like))}:
     * 1 at {@code (r, c)} where {@code rowOffset + r == c}. Shape and type of {@code like}.
     */
    T diagonalMask(T like, long rowOffset);

    /** {@code a} with a new axis of size 1 inserted at {@code axis} (e.g. {@code [n, m] -> [n, m, 1]} for axis 2). */
    T expandDims(T a, int axis);

    /** Sum along one axis, keeping it with size 1. */
    T sumAlong(T a, int axis);

    /** {@code a} without its axis {@code axis}, which must have size 1. */
    T squeeze(T a, int axis);

    /** Elementwise {@code ⌈a⌉}. */
    T ceil(T a);

    /** Each row of {@code a} sorted in descending order. */
    T sortRowsDescending(T a);

    /** {@code [1, m]}: the column numbers {@code 0 .. m-1} of an {@code [n, m]} matrix, in its type. */
    T columnIndices(T like);

    /**
     * Per row r, the {@code k_r}-th largest value: {@code [n, m] -> [n, 1]}, with {@code k} an {@code [n, 1]} column of
     * whole numbers in {@code [1, m]} (a row whose k is outside that range gives 0). Equal values count separately:
     * the 1st and 2nd largest of {@code [3, 3, 1]} are both 3.
     */
    default T kthLargestPerRow(T a, T k) {
        T sorted = sortRowsDescending(a);
        return rowSum(mul(sorted, equal(k, add(columnIndices(sorted), 1))));
    }

    default T addInPlace(T a, T b) {
        return add(a, b);
    }

    default T subInPlace(T a, T b) {
        return sub(a, b);
    }

    default T mulInPlace(T a, T b) {
        return mul(a, b);
    }

    default T mulInPlace(T a, double s) {
        return mul(a, s);
    }

    default T divInPlace(T a, T b) {
        return div(a, b);
    }

    default T expInPlace(T a) {
        return exp(a);
    }

    /**
     * Whether every entry of a {@code [n, 1]} column of counts is at most 1, when its values are known while the
     * computation is being built (eager evaluation); false when they are not (a graph), so callers fall back to the
     * general form.
     */
    default boolean knownAtMostOne(T counts) {
        return false;
    }

    /**
     * {@code log(1 + x)} for {@code x >= 0}, accurate for tiny x. ND4J's native log1p evaluates {@code log(1 + x)}
     * directly and loses the digits of x below the rounding of 1 + x; Goldberg's correction
     * {@code x · log(u) / (u - 1)} with {@code u = 1 + x} restores them (the ratio is 1 where {@code u} rounds to 1).
     */
    default T log1p(T x) {
        T u = add(x, 1);
        T d = add(u, -1);
        T roundsToOne = rsub(greaterThan(d, 0), 1);
        return mul(x, div(add(log(u), roundsToOne), add(d, roundsToOne)));
    }

    /** {@code log(1 + e^x)} without overflow for large x: {@code max(x, 0) + log1p(e^-|x|)}. */
    default T softplus(T x) {
        return add(relu(x), log1p(exp(mul(abs(x), -1))));
    }

    /**
     * Entries where {@code keep} is 0 replaced by {@link #MASKED_LOGIT minus a huge value}, so they drop out of
     * row maxima, log-sum-exps and softmaxes.
     */
    default T maskLogits(T logits, T keep) {
        return add(logits, mul(rsub(keep, 1), -MASKED_LOGIT));
    }

    /** Row-wise {@code log Σ_j e^{x_ij}}, shifted by the row maximum so it neither overflows nor underflows. */
    default T rowLogSumExp(T x) {
        T max = rowMax(x);
        return add(max, log(rowSum(exp(sub(x, max)))));
    }

    /**
     * Row-wise softmax, log-sum-exp and maximum from a single pass of {@code exp} (shifted by the row maximum, so it
     * neither overflows nor underflows): {@code softmax = e^{x - max} / Σ e^{x - max}}, {@code lse = max + log Σ e^{x - max}}.
     */
    default RowSoftmax<T> rowSoftmax(T x) {
        T max = rowMax(x);
        T shiftedExp = expInPlace(sub(x, max));
        T sum = rowSum(shiftedExp);
        return new RowSoftmax<>(divInPlace(shiftedExp, sum), add(max, log(sum)), max);
    }

    /** @param softmax {@code [n, m]}; @param logSumExp {@code [n, 1]}; @param max {@code [n, 1]} the row maxima */
    record RowSoftmax<T>(T softmax, T logSumExp, T max) {
    }

    /** Row-wise softmax given the row log-sum-exp already computed. */
    default T softmaxGivenLogSumExp(T x, T rowLogSumExp) {
        return expInPlace(sub(x, rowLogSumExp));
    }
}
