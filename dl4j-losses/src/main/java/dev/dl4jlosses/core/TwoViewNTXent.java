package dev.dl4jlosses.core;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * NT-Xent for SimCLR's batches, where every id occurs exactly twice (two views of one example), with cosine
 * similarity, every other row a negative, no example mask and no extra negatives: the eager path's fast case. It
 * gives the same loss and gradient as {@link NTXentKernel} through {@link PairwiseEngine} (to float rounding) with two
 * {@code B×d×B} products and four passes over the {@code B×B} matrix instead of a few dozen:
 * <ol>
 *   <li>{@code E_ij = exp((u_i·u_j - 1)/τ)}, {@code E_ii = 0}: one product into a matrix pre-filled with {@code -1/τ},
 *       one {@code exp}. Since {@code u_i·u_j ≤ 1}, no term exceeds 1, so no running maximum is needed.</li>
 *   <li>{@code r_i = Σ_j E_ij}; the loss is {@code ℓ_i = log r_i - (u_i·u_p(i) - 1)/τ} with {@code p(i)} the other view,
 *       whose similarity is a row-wise dot product, not a masked pass over the matrix.</li>
 *   <li>Gradient: {@code ∂ℓ/∂u = (1/τ)((P + Pᵀ) u - 2 u_p)} with {@code P_ij = E_ij / r_i}. {@code E} is symmetric, so
 *       {@code (P + Pᵀ)_ij = E_ij (1/r_i + 1/r_j)}: a rank-2 outer sum and one multiply instead of a transposed copy,
 *       then the second product.</li>
 * </ol>
 * When some row sum underflows ({@code τ} so small that every shifted logit of a row is below about -69) the caller
 * falls back to the general path, whose log-sum-exp subtracts each row's own maximum.
 */
final class TwoViewNTXent {

    /** {@code [B, B]} arrays held at once: the exponentials and the outer sum of the inverse row sums. */
    static final int SQUARE_ARRAYS = 2;
    /** Below this a row sum has lost precision to underflow. */
    private static final double SMALLEST_ROW_SUM = 1e-30;
    /** Ids are turned into sort keys {@code id·B + row}, exact in float64 while ids span at most 2^31. */
    private static final double LARGEST_ID = 0x1p31;

    private TwoViewNTXent() {
    }

    /**
     * Fills {@code rowLoss}, {@code valid} and {@code gradient} (null: not wanted) and returns true, or returns false
     * without touching them when the batch is not two views per id or a row sum underflows.
     *
     * @param embeddings {@code [B, d]} in the compute type
     * @param ids        {@code [B, 1]} label ids
     * @param scale      1/τ
     */
    static boolean evaluate(INDArray embeddings, INDArray ids, double scale, INDArray rowLoss, INDArray valid, INDArray gradient) {
        long batch = embeddings.rows();
        if (batch < 4 || batch % 2 != 0) {
            return false;
        }
        DataType type = embeddings.dataType();
        NDArrayOps o = NDArrayOps.INSTANCE;
        try (MemoryWorkspace ignored = ScratchWorkspace.enter(ScratchWorkspace.BATCH)) {
            INDArray partner = partners(ids);
            if (partner == null) {
                return false;
            }
            RowNormalization.Normalized<INDArray> normalized = RowNormalization.normalize(o, embeddings);
            INDArray units = normalized.unit();
            INDArray exps = Nd4j.createUninitialized(type, batch, batch).assign(-scale);
            Nd4j.gemm(units, units, exps, false, true, scale, 1.0);
            diagonal(exps).assign(Double.NEGATIVE_INFINITY);
            Transforms.exp(exps, false);
            INDArray rowSums = exps.sum(true, 1);
            if (!(rowSums.minNumber().doubleValue() >= SMALLEST_ROW_SUM)) {
                return false;
            }
            INDArray partnerUnits = Nd4j.exec(DynamicCustomOp.builder("gather").addInputs(units, partner)
                    .addIntegerArguments(0).build())[0];
            INDArray shiftedPositive = units.mul(partnerUnits).sum(true, 1).subi(1.0).muli(scale);
            rowLoss.assign(Transforms.log(rowSums, true).subi(shiftedPositive));
            valid.assign(1.0);
            if (gradient != null) {
                INDArray inverse = rowSums.rdiv(1.0);
                INDArray ones = Nd4j.ones(type, batch, 1);
                INDArray outerSum = Nd4j.createUninitialized(type, batch, batch);
                Nd4j.gemm(Nd4j.concat(1, inverse, ones), Nd4j.concat(1, ones, inverse), outerSum, false, true, 1.0, 0.0);
                INDArray gradUnits = Nd4j.gemm(exps.muli(outerSum), units, false, false);
                gradUnits.subi(partnerUnits.muli(2.0)).muli(scale);
                gradient.assign(RowNormalization.backward(o, normalized, gradUnits));
            }
            return true;
        }
    }

    /** A view of the diagonal of a square C-order matrix (every {@code B+1}-th element). */
    private static INDArray diagonal(INDArray square) {
        long n = square.rows();
        return square.reshape(n * n).get(NDArrayIndex.interval(0, n + 1, n * n));
    }

    /**
     * {@code [B]} (int64) the other row with the same id, or null unless every id occurs exactly twice. Sorting the
     * keys {@code (id - min id)·B + row} groups equal ids and keeps each row's index ({@code key mod B}); ND4J's native sort is
     * {@code O(B log B)} and has no index output of its own.
     */
    private static INDArray partners(INDArray ids) {
        long batch = ids.length();
        INDArray id = ids.reshape(batch).castTo(DataType.DOUBLE);
        if (Transforms.floor(id, true).neq(id).any()) {
            return null;
        }
        double smallestId = id.minNumber().doubleValue();
        if (id.maxNumber().doubleValue() - smallestId > LARGEST_ID) {
            return null;
        }
        // keys from 0 up, so that fmod is the row
        INDArray keys = Nd4j.sort(id.sub(smallestId).muli(batch).addi(Nd4j.arange(0, batch).castTo(DataType.DOUBLE)), true);
        INDArray rowOfKey = keys.fmod(batch);
        INDArray sortedIds = keys.sub(rowOfKey).divi(batch);
        INDArray first = sortedIds.get(everyOther(0, batch));
        INDArray second = sortedIds.get(everyOther(1, batch));
        if (first.neq(second).any()
                || second.get(NDArrayIndex.interval(0, batch / 2 - 1)).eq(first.get(NDArrayIndex.interval(1, batch / 2))).any()) {
            return null;
        }
        INDArray row = rowOfKey.castTo(DataType.LONG);
        INDArray firstRow = row.get(everyOther(0, batch));
        INDArray secondRow = row.get(everyOther(1, batch));
        INDArray partner = Nd4j.create(DataType.LONG, batch);
        Nd4j.exec(DynamicCustomOp.builder("scatter_upd")
                .addInputs(partner, Nd4j.concat(0, firstRow, secondRow), Nd4j.concat(0, secondRow, firstRow))
                .addOutputs(partner).build());
        return partner;
    }

    private static INDArrayIndex everyOther(long from, long length) {
        return NDArrayIndex.interval(from, 2, length);
    }
}
