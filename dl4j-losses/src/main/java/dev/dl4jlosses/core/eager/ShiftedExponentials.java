package dev.dl4jlosses.core.eager;

import java.util.List;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * {@code E_ij = exp((a_i·b_j - 1)·s)} for unit rows {@code a} (a block of anchors) and {@code b} (all candidates),
 * with chosen entries left out (0): the softmax terms of the two-view and one-to-one fast paths. Since
 * {@code a_i·b_j ≤ 1}, no term exceeds 1, so no row maximum is needed; the shift by {@code s} is folded into the
 * product ({@code -s} pre-filled, {@code β = 1}), and the left-out entries get {@code -∞} through strided views.
 *
 * <p>Each term is at least {@code e^{-2s}}, so a row's sum can underflow only when {@code s > 34} in float32
 * ({@code s > 333} in float64); callers check {@link #smallestSum} and fall back to a path that subtracts each row's
 * own maximum. At such temperatures the fast paths may thus compute their first pass for nothing.
 */
final class ShiftedExponentials {

    private static final double SMALLEST_FLOAT_SUM = 1e-30;
    private static final double SMALLEST_DOUBLE_SUM = 1e-290;

    /**
     * Entries {@code (r, c), (r+1, c+1), ...} of a block: {@code count} of them from row {@code row}, column
     * {@code column} on.
     */
    record Diagonal(long row, long column, long count) {
    }

    private ShiftedExponentials() {
    }

    /** Below this a sum of such terms has lost precision to underflow (normal numbers end near 1e-38 / 1e-308). */
    static double smallestSum(DataType type) {
        return type == DataType.DOUBLE ? SMALLEST_DOUBLE_SUM : SMALLEST_FLOAT_SUM;
    }

    /**
     * @param rows     {@code [b, d]} unit rows
     * @param columns  {@code [C, d]} unit rows
     * @param scale    {@code s}
     * @param excluded entries to leave out (each with {@code count ≥ 1})
     * @return {@code [b, C]}, in the current workspace
     */
    static INDArray of(INDArray rows, INDArray columns, double scale, List<Diagonal> excluded) {
        long width = columns.rows();
        INDArray block = Nd4j.createUninitialized(rows.dataType(), rows.rows(), width).assign(-scale);
        Nd4j.gemm(rows, columns, block, false, true, scale, 1.0);
        INDArray flat = block.reshape(block.length());
        for (Diagonal e : excluded) {
            long start = e.row() * width + e.column();
            if (e.count() == 1) {
                // ND4J M2.1 rejects a strided interval shorter than its stride
                flat.putScalar(start, Double.NEGATIVE_INFINITY);
            } else {
                flat.get(NDArrayIndex.interval(start, width + 1, start + (e.count() - 1) * (width + 1) + 1))
                        .assign(Double.NEGATIVE_INFINITY);
            }
        }
        return Transforms.exp(block, false);
    }

    /**
     * What each anchor's loss and gradient need besides {@code E}, all {@code [n, 1]} and multiplied by
     * {@code weight} (a direction's share of the loss): the loss {@code softplus(log r⁻ - L⁺)} (as the general path
     * writes it, so a tiny loss keeps its precision), the softmax normaliser {@code c = 1 / (r⁻ + e^{L⁺})} and the
     * weight the positive loses, {@code w = r⁻ c}.
     */
    record AnchorTerms(INDArray loss, INDArray inverse, INDArray positiveWeight) {

        /**
         * @param negativeSums    {@code r⁻}, the row sums of {@code E}
         * @param shiftedPositive {@code L⁺ = (a_i·p_i - 1)·s} for each anchor's positive {@code p_i}
         * @return null when a sum over negatives underflowed
         */
        static AnchorTerms of(INDArray negativeSums, INDArray shiftedPositive, double weight) {
            if (!(negativeSums.minNumber().doubleValue() >= smallestSum(negativeSums.dataType()))) {
                return null;
            }
            INDArray inverse = negativeSums.add(Transforms.exp(shiftedPositive, true)).rdivi(1.0);
            INDArray loss = NDArrayOps.INSTANCE.softplus(Transforms.log(negativeSums, true).subi(shiftedPositive));
            return new AnchorTerms(loss.muli(weight), inverse.mul(weight), negativeSums.mul(inverse).muli(weight));
        }
    }
}
