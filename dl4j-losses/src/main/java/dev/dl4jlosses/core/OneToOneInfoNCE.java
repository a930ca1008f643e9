package dev.dl4jlosses.core;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * InfoNCE where key i is query i's only positive and every other key a negative (no ids, no example mask, no extra
 * negatives), with cosine similarity: the eager path's fast case of {@link CrossEvaluator}, optionally symmetric. It
 * gives what {@link SoftmaxCrossEntropyKernel} gives through {@link CrossEngine} (to float rounding) with three
 * {@code N×d×N} products and three elementwise passes over the {@code N×N} matrix (five when symmetric):
 * <ol>
 *   <li>{@code E_ij = exp((q_i·k_j - 1)/τ)} for {@code i ≠ j}, {@code E_ii = 0}: one product into a matrix pre-filled
 *       with {@code -1/τ}, {@code -∞} on the diagonal, one {@code exp}; no term exceeds 1.</li>
 *   <li>Row sums {@code r⁻} (query to key) and, when symmetric, column sums (key to query); with
 *       {@code L⁺_i = (q_i·k_i - 1)/τ} each direction's loss is {@code softplus(log r⁻_i - L⁺_i)}.</li>
 *   <li>{@code ∂ℓ/∂L}: {@code E_ij (α c_i + β c'_j)} off the diagonal ({@code c = 1/(r⁻ + e^{L⁺})} per direction,
 *       α and β the directions' weights) and {@code -(α w_i + β w'_i)} on it ({@code w = r⁻ c}); then
 *       {@code ∂ℓ/∂q = (1/τ) G k} and {@code ∂ℓ/∂k = (1/τ) Gᵀ q}, the diagonal applied row-wise.</li>
 * </ol>
 * When a sum over negatives underflows (tiny τ) the caller falls back to the general path.
 */
final class OneToOneInfoNCE {

    /** {@code [N, N]} arrays held at once: the exponentials and, when symmetric, the key-to-query weights. */
    static final int SQUARE_ARRAYS = 2;
    /** Below this a sum over negatives has lost precision to underflow. */
    private static final double SMALLEST_SUM = 1e-30;

    private OneToOneInfoNCE() {
    }

    /**
     * Fills the outputs and returns true, or returns false without touching them when a sum over negatives underflows.
     *
     * @param queries {@code [N, d]} in the compute type
     * @param keys    {@code [N, d]} in the compute type
     * @param scale   1/τ
     * @param gradQueries null when no gradient is wanted
     */
    static boolean evaluate(INDArray queries, INDArray keys, double scale, boolean symmetric, INDArray rowLoss,
                            INDArray valid, INDArray gradQueries, INDArray gradKeys) {
        long n = queries.rows();
        if (n < 2) {
            return false;
        }
        DataType type = queries.dataType();
        NDArrayOps o = NDArrayOps.INSTANCE;
        double queryWeight = symmetric ? 0.5 : 1.0;
        try (MemoryWorkspace ignored = ScratchWorkspace.enter(ScratchWorkspace.BATCH)) {
            RowNormalization.Normalized<INDArray> q = RowNormalization.normalize(o, queries);
            RowNormalization.Normalized<INDArray> k = RowNormalization.normalize(o, keys);
            INDArray exps = Nd4j.createUninitialized(type, n, n).assign(-scale);
            Nd4j.gemm(q.unit(), k.unit(), exps, false, true, scale, 1.0);
            exps.reshape(n * n).get(NDArrayIndex.interval(0, n + 1, n * n)).assign(Double.NEGATIVE_INFINITY);
            Transforms.exp(exps, false);
            INDArray shiftedPositive = q.unit().mul(k.unit()).sum(true, 1).subi(1.0).muli(scale);
            Direction forward = Direction.of(o, exps.sum(true, 1), shiftedPositive);
            Direction backward = symmetric ? Direction.of(o, exps.sum(true, 0).reshape(n, 1), shiftedPositive) : null;
            if (forward == null || (symmetric && backward == null)) {
                return false;
            }
            rowLoss.assign(symmetric ? forward.loss().add(backward.loss()).muli(0.5) : forward.loss());
            valid.assign(1.0);
            if (gradQueries == null) {
                return true;
            }
            INDArray diagonalWeight = forward.positiveWeight().mul(queryWeight);
            INDArray weights;
            if (symmetric) {
                INDArray keyToQuery = exps.mulRowVector(backward.inverse().reshape(1, n).mul(0.5));
                weights = exps.muliColumnVector(forward.inverse().mul(0.5)).addi(keyToQuery);
                diagonalWeight.addi(backward.positiveWeight().mul(0.5));
            } else {
                weights = exps.muliColumnVector(forward.inverse());
            }
            INDArray gradQueryUnits = o.mmul(weights, k.unit(), false, false).subi(k.unit().mulColumnVector(diagonalWeight));
            INDArray gradKeyUnits = o.mmul(weights, q.unit(), true, false).subi(q.unit().mulColumnVector(diagonalWeight));
            gradQueries.assign(RowNormalization.backward(o, q, gradQueryUnits.muli(scale)));
            gradKeys.assign(RowNormalization.backward(o, k, gradKeyUnits.muli(scale)));
            return true;
        }
    }

    /**
     * One direction's terms, all {@code [N, 1]}: loss, {@code c = 1 / (r⁻ + e^{L⁺})} and {@code w = r⁻ c}, the
     * weight the positive loses.
     */
    private record Direction(INDArray loss, INDArray inverse, INDArray positiveWeight) {

        /** Null when a sum over negatives underflowed. */
        static Direction of(NDArrayOps o, INDArray negativeSums, INDArray shiftedPositive) {
            if (!(negativeSums.minNumber().doubleValue() >= SMALLEST_SUM)) {
                return null;
            }
            INDArray inverse = negativeSums.add(Transforms.exp(shiftedPositive, true)).rdivi(1.0);
            return new Direction(o.softplus(Transforms.log(negativeSums, true).subi(shiftedPositive)), inverse,
                    negativeSums.mul(inverse));
        }
    }
}
