package dev.dl4jlosses.core.eager;

import java.util.List;

import dev.dl4jlosses.core.engine.CrossEngine;
import dev.dl4jlosses.core.math.ContrastiveKernel;
import dev.dl4jlosses.core.math.NegativeSelection;
import dev.dl4jlosses.core.math.RowNormalization;
import dev.dl4jlosses.core.math.SoftmaxCrossEntropyKernel;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * InfoNCE where key i is query i's only positive and every other key a negative (no ids, no example mask, no extra
 * negatives), with cosine similarity: the eager path's fast case of {@link CrossEvaluator}, optionally symmetric. It
 * gives what {@link SoftmaxCrossEntropyKernel} gives through {@link CrossEngine} (to float rounding) with three
 * {@code N×d×N} products and four elementwise passes over the {@code N×N} matrix (seven when symmetric):
 * <ol>
 *   <li>{@code E_ij = exp((q_i·k_j - 1)/τ)} for {@code i ≠ j}, {@code E_ii = 0}: one product into a matrix pre-filled
 *       with {@code -1/τ}, {@code -∞} on the diagonal, one {@code exp}; no term exceeds 1.</li>
 *   <li>Row sums {@code r⁻} (query to key) and, when symmetric, column sums (key to query); with
 *       {@code L⁺_i = (q_i·k_i - 1)/τ} each direction's loss is {@code softplus(log r⁻_i - L⁺_i)}.</li>
 *   <li>{@code ∂ℓ/∂L}: {@code E_ij (α c_i + β c'_j)} off the diagonal ({@code c = 1/(r⁻ + e^{L⁺})} per direction,
 *       α and β the directions' weights) and {@code -(α w_i + β w'_i)} on it ({@code w = r⁻ c}); then
 *       {@code ∂ℓ/∂q = (1/τ) G k} and {@code ∂ℓ/∂k = (1/τ) Gᵀ q}, the diagonal applied row-wise.</li>
 * </ol>
 * Beyond the memory budget the queries go in row blocks: a first pass for the sums over negatives (rows, and
 * columns when symmetric), a second that recomputes each block's {@code E} for its share of both gradients.
 *
 * <p>When a sum over negatives underflows (tiny τ) the caller falls back to the general path.
 */
final class OneToOneInfoNCE {

    /** {@code [b, N]} arrays a block of {@code b} queries holds at once: its exponentials and, when symmetric, the key-to-query weights. */
    static final int SQUARE_ARRAYS = 2;

    private OneToOneInfoNCE() {
    }

    /**
     * Whether this fast path covers calls of evaluators of this configuration (a kernel that is the one-positive
     * softmax, cosine similarity, every negative kept); which calls it takes is decided per call: no ids, mask or
     * extra negatives, and no underflow.
     */
    static boolean isOfferedFor(ContrastiveKernel kernel, NegativeSelection selection, boolean normalize) {
        return kernel.isOnePositiveSoftmax() && selection == null && normalize;
    }

    /**
     * Fills the outputs and returns true, or returns false without touching them when a sum over negatives underflows.
     *
     * @param queries {@code [N, d]} in the compute type
     * @param keys    {@code [N, d]} in the compute type
     * @param scale   1/τ
     * @param blocking    query rows per block: one block keeps its exponentials for the gradient, several compute them twice
     * @param gradQueries null when no gradient is wanted
     */
    static boolean evaluate(INDArray queries, INDArray keys, double scale, boolean symmetric, Blocking blocking,
                            INDArray rowLoss, INDArray valid, INDArray gradQueries, INDArray gradKeys) {
        long n = queries.rows();
        if (n < 2) {
            return false;
        }
        DataType type = queries.dataType();
        NDArrayOps o = NDArrayOps.INSTANCE;
        long blockRows = blocking.rowsPerBlock(n, n, type, SQUARE_ARRAYS);
        try (MemoryWorkspace ignored = ScratchWorkspace.enter(ScratchWorkspace.BATCH)) {
            RowNormalization.Normalized<INDArray> q = RowNormalization.normalize(o, queries);
            RowNormalization.Normalized<INDArray> k = RowNormalization.normalize(o, keys);
            INDArray wholeBatch = blockRows >= n ? exponentials(q.unit(), k.unit(), 0, n, scale) : null;
            INDArray rowSums = wholeBatch != null ? wholeBatch.sum(true, 1) : Nd4j.createUninitialized(type, n, 1);
            INDArray columnSums = !symmetric ? null : wholeBatch != null ? wholeBatch.sum(true, 0) : Nd4j.zeros(type, 1, n);
            for (long from = 0; wholeBatch == null && from < n; from += blockRows) {
                long to = Math.min(n, from + blockRows);
                try (MemoryWorkspace ignoredToo = ScratchWorkspace.enter(ScratchWorkspace.BLOCK)) {
                    INDArray exps = exponentials(q.unit(), k.unit(), from, to, scale);
                    o.rows(rowSums, from, to).assign(exps.sum(true, 1));
                    if (symmetric) {
                        columnSums.addi(exps.sum(true, 0));
                    }
                }
            }
            INDArray shiftedPositive = q.unit().mul(k.unit()).sum(true, 1).subi(1.0).muli(scale);
            ShiftedExponentials.AnchorTerms forward = ShiftedExponentials.AnchorTerms.of(rowSums, shiftedPositive, symmetric ? 0.5 : 1.0);
            ShiftedExponentials.AnchorTerms backward = symmetric
                    ? ShiftedExponentials.AnchorTerms.of(columnSums.reshape(n, 1), shiftedPositive, 0.5) : null;
            if (forward == null || (symmetric && backward == null)) {
                return false;
            }
            rowLoss.assign(symmetric ? forward.loss().add(backward.loss()) : forward.loss());
            valid.assign(1.0);
            if (gradQueries == null) {
                return true;
            }
            INDArray gradQueryUnits = Nd4j.createUninitialized(type, q.unit().shape());
            INDArray gradKeyUnits = Nd4j.createUninitialized(type, k.unit().shape());
            for (long from = 0; from < n; from += blockRows) {
                long to = Math.min(n, from + blockRows);
                try (MemoryWorkspace ignoredToo = wholeBatch != null ? null : ScratchWorkspace.enter(ScratchWorkspace.BLOCK)) {
                    INDArray exps = wholeBatch != null ? wholeBatch : exponentials(q.unit(), k.unit(), from, to, scale);
                    INDArray keyToQuery = symmetric ? exps.mulRowVector(backward.inverse().reshape(1, n)) : null;
                    INDArray weights = exps.muliColumnVector(o.rows(forward.inverse(), from, to));
                    if (symmetric) {
                        weights.addi(keyToQuery);
                    }
                    Nd4j.gemm(weights, k.unit(), o.rows(gradQueryUnits, from, to), false, false, 1.0, 0.0);
                    Nd4j.gemm(weights, o.rows(q.unit(), from, to), gradKeyUnits, true, false, 1.0, from == 0 ? 0.0 : 1.0);
                }
            }
            INDArray positiveWeight = symmetric ? forward.positiveWeight().add(backward.positiveWeight()) : forward.positiveWeight();
            gradQueryUnits.subi(k.unit().mulColumnVector(positiveWeight));
            gradKeyUnits.subi(q.unit().mulColumnVector(positiveWeight));
            gradQueries.assign(RowNormalization.backward(o, q, gradQueryUnits.muli(scale)));
            gradKeys.assign(RowNormalization.backward(o, k, gradKeyUnits.muli(scale)));
            return true;
        }
    }

    /** {@code E} for queries {@code [from, to)} against all keys, without each query's own key. */
    private static INDArray exponentials(INDArray queryUnits, INDArray keyUnits, long from, long to, double scale) {
        return ShiftedExponentials.of(NDArrayOps.INSTANCE.rows(queryUnits, from, to), keyUnits, scale,
                List.of(new ShiftedExponentials.Diagonal(0, from, to - from)));
    }
}
