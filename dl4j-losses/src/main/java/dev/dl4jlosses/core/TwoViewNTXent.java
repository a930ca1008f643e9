package dev.dl4jlosses.core;

import java.util.concurrent.atomic.AtomicReference;

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
 * similarity, every other row a negative, no example mask and no extra negatives: the eager path's fast case (SupCon
 * is the same loss there). It gives what {@link NTXentKernel} gives through {@link PairwiseEngine} (to float rounding)
 * with two {@code B×d×B} products and six elementwise passes over the {@code B×B} matrix instead of a few dozen:
 * <ol>
 *   <li>{@code E_ij = exp((u_i·u_j - 1)/τ)} over the negatives, 0 on the diagonal and at the positive pairs: one
 *       product into a matrix pre-filled with {@code -1/τ}, a scatter of {@code -∞} to the {@code 2B} excluded
 *       entries, one {@code exp}. Since {@code u_i·u_j ≤ 1}, no term exceeds 1, so no row maximum is needed.</li>
 *   <li>{@code r⁻_i = Σ_j E_ij}; with {@code L⁺_i = (u_i·u_p(i) - 1)/τ} (a row-wise dot product, {@code p(i)} the
 *       other view) the loss is {@code ℓ_i = softplus(log r⁻_i - L⁺_i)}.</li>
 *   <li>Gradient: with {@code c_i = 1 / (r⁻_i + e^{L⁺_i})} and {@code w_i = r⁻_i c_i}, {@code ∂ℓ/∂u_i = (1/τ)(Σ_j
 *       E_ij (c_i + c_j) u_j - (w_i + w_p(i)) u_p(i))}. {@code E} is symmetric, so {@code E_ij c_j} is the transposed
 *       softmax without a transposed copy: two broadcast multiplies and an add, then the second product.</li>
 * </ol>
 * When some sum over negatives underflows ({@code τ} so small that every shifted logit of a row is below about -69)
 * the caller falls back to the general path, whose log-sum-exp subtracts each row's own maximum.
 */
final class TwoViewNTXent {

    /** {@code [B, B]} arrays held at once: the exponentials and {@code Pᵀ}. */
    static final int SQUARE_ARRAYS = 2;
    /** Below this a sum over negatives has lost precision to underflow. */
    private static final double SMALLEST_SUM = 1e-30;
    /** Ids are turned into sort keys {@code (id - min id)·B + row}, exact in float64 while ids span at most 2^31. */
    private static final double LARGEST_ID = 0x1p31;

    /** The last ids seen and their pairs: SimCLR trains with the same ids every step. */
    private static final AtomicReference<Pairs> LAST = new AtomicReference<>();

    /**
     * Outside every workspace.
     *
     * @param ids      {@code [B]} a copy of the ids
     * @param partner  {@code [B]} int64, the row with the same id
     * @param excluded {@code [2B]} int64, flat indices of the diagonal and of the positive pairs in a {@code [B, B]} matrix
     */
    private record Pairs(INDArray ids, INDArray partner, INDArray excluded) {
    }

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
            Pairs pairs = knownPairs(ids);
            if (pairs == null) {
                return false;
            }
            RowNormalization.Normalized<INDArray> normalized = RowNormalization.normalize(o, embeddings);
            INDArray units = normalized.unit();
            INDArray exps = Nd4j.createUninitialized(type, batch, batch).assign(-scale);
            Nd4j.gemm(units, units, exps, false, true, scale, 1.0);
            INDArray flat = exps.reshape(batch * batch);
            Nd4j.exec(DynamicCustomOp.builder("scatter_upd").addInputs(flat, pairs.excluded(),
                    Nd4j.valueArrayOf(new long[] {pairs.excluded().length()}, Double.NEGATIVE_INFINITY, type)).addOutputs(flat).build());
            Transforms.exp(exps, false);
            INDArray negativeSums = exps.sum(true, 1);
            if (!(negativeSums.minNumber().doubleValue() >= SMALLEST_SUM)) {
                return false;
            }
            INDArray partnerUnits = gatherRows(units, pairs.partner());
            INDArray shiftedPositive = units.mul(partnerUnits).sum(true, 1).subi(1.0).muli(scale);
            // ℓ = log(1 + r⁻ / e^{L_ip - 1/τ}), as the general path writes it, so that a tiny loss keeps its precision
            rowLoss.assign(o.softplus(Transforms.log(negativeSums, true).subi(shiftedPositive)));
            valid.assign(1.0);
            if (gradient != null) {
                INDArray inverse = negativeSums.add(Transforms.exp(shiftedPositive, true)).rdivi(1.0);
                INDArray transposed = exps.mulRowVector(inverse.reshape(1, batch));
                INDArray symmetricNegativeWeights = exps.muliColumnVector(inverse).addi(transposed);
                INDArray positiveWeight = negativeSums.mul(inverse);
                INDArray gradUnits = Nd4j.gemm(symmetricNegativeWeights, units, false, false);
                gradUnits.subi(partnerUnits.muliColumnVector(positiveWeight.addi(gatherRows(positiveWeight, pairs.partner()))));
                gradient.assign(RowNormalization.backward(o, normalized, gradUnits.muli(scale)));
            }
            return true;
        }
    }

    private static INDArray gatherRows(INDArray a, INDArray rows) {
        return Nd4j.exec(DynamicCustomOp.builder("gather").addInputs(a, rows).addIntegerArguments(0).build())[0];
    }

    private static Pairs knownPairs(INDArray ids) {
        Pairs last = LAST.get();
        INDArray idVector = ids.reshape(ids.length());
        if (last != null && last.ids().length() == ids.length() && last.ids().dataType() == ids.dataType()
                && !last.ids().neq(idVector).any()) {
            return last;
        }
        INDArray partner = partners(ids);
        if (partner == null) {
            return null;
        }
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            long batch = ids.length();
            INDArray rowStart = Nd4j.arange(0, batch).castTo(DataType.LONG).muli(batch);
            INDArray diagonal = rowStart.add(Nd4j.arange(0, batch).castTo(DataType.LONG));
            Pairs pairs = new Pairs(idVector.dup(), partner.dup(), Nd4j.concat(0, diagonal, rowStart.addi(partner)));
            LAST.set(pairs);
            return pairs;
        }
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
