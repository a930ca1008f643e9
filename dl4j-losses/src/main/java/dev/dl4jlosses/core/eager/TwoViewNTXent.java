package dev.dl4jlosses.core.eager;

import java.util.ArrayList;
import java.util.List;

import dev.dl4jlosses.core.engine.PairwiseEngine;
import dev.dl4jlosses.core.math.ContrastiveKernel;
import dev.dl4jlosses.core.math.NTXentKernel;
import dev.dl4jlosses.core.math.NegativeSelection;
import dev.dl4jlosses.core.math.RowNormalization;
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
 *       product into a matrix pre-filled with {@code -1/τ}, {@code -∞} written through strided views (rows are first
 *       gathered into SimCLR's layout, pairs {@code (i, i + B/2)}, when the batch is not in it), one {@code exp}.
 *       Since {@code u_i·u_j ≤ 1}, no term exceeds 1, so no row maximum is needed.</li>
 *   <li>{@code r⁻_i = Σ_j E_ij}; with {@code L⁺_i = (u_i·u_p(i) - 1)/τ} (a row-wise dot product, {@code p(i)} the
 *       other view) the loss is {@code ℓ_i = softplus(log r⁻_i - L⁺_i)}.</li>
 *   <li>Gradient: with {@code c_i = 1 / (r⁻_i + e^{L⁺_i})} and {@code w_i = r⁻_i c_i}, {@code ∂ℓ/∂u_i = (1/τ)(Σ_j
 *       E_ij (c_i + c_j) u_j - (w_i + w_p(i)) u_p(i))}. {@code E} is symmetric, so {@code E_ij c_j} is the transposed
 *       softmax without a transposed copy: two broadcast multiplies and an add, then the second product.</li>
 * </ol>
 * A batch whose {@code [B, B]} temporaries exceed the memory budget goes in blocks of anchor rows: a first pass
 * computes every {@code r⁻} (each block's gradient weights need all of them), a second recomputes each block's
 * {@code E} (a third product and a second {@code exp}) and its rows of the gradient, so memory is
 * {@code O(b·B + B·d)}.
 *
 * <p>When some sum over negatives underflows ({@code τ} so small that every shifted logit of a row is below about -69
 * in float32, -667 in float64; see {@link ShiftedExponentials}) the caller falls back to the general path, whose
 * log-sum-exp subtracts each row's own maximum.
 *
 * <p>Offered ({@link #offeredFor}) to pairwise evaluators of a kernel that is the one-positive softmax (NT-Xent, and
 * SupCon, the same loss when each anchor has one positive) on cosine similarity with every negative kept. Each
 * instance remembers the layout of the last ids it saw (SimCLR trains with the same ids every step) as an immutable
 * snapshot, so threads that share it may race to replace the snapshot but never use another's layout for their ids.
 */
final class TwoViewNTXent {

    /** {@code [b, B]} arrays a block of {@code b} anchors holds at once: its exponentials and {@code Pᵀ}. */
    static final int SQUARE_ARRAYS = 2;
    /**
     * Ids are turned into sort keys {@code (id - min id)·B + row}, exact in float64 while ids span at most 2^31 (and
     * B stays below 2^22).
     */
    private static final double LARGEST_ID = 0x1p31;

    /** The last ids this instance saw and their pairs; replaced whole, never changed. */
    private volatile Pairs last;

    /**
     * How to bring a batch into the layout the computation uses, rows {@code i} and {@code i + B/2} the two views of
     * one example (SimCLR's own layout). Outside every workspace.
     *
     * @param ids      {@code [B]} a copy of the ids
     * @param twoViews whether every id occurs exactly twice (if not, nothing else is set)
     * @param order    {@code [B]} int64, the batch row at each position of that layout; null when the batch is in it
     * @param inverse  {@code [B]} int64, the position of each batch row; null when the batch is in that layout
     */
    private record Pairs(INDArray ids, boolean twoViews, INDArray order, INDArray inverse) {

        boolean isLayoutOf(INDArray idVector) {
            return ids.length() == idVector.length() && ids.dataType() == idVector.dataType() && !ids.neq(idVector).any();
        }
    }

    private TwoViewNTXent() {
    }

    /**
     * The fast path for evaluators of this configuration, or null when it covers none of their calls.
     *
     * @param selection the evaluator's negative selection (the fast path keeps every negative)
     */
    static TwoViewNTXent offeredFor(ContrastiveKernel kernel, NegativeSelection selection, boolean normalize) {
        return kernel.isOnePositiveSoftmax() && selection == null && normalize ? new TwoViewNTXent() : null;
    }

    /** {@link #tryEvaluate} for one call, with no layout remembered from an earlier one. */
    static boolean evaluate(INDArray embeddings, INDArray ids, double scale, Blocking blocking, INDArray rowLoss,
                            INDArray valid, INDArray gradient) {
        return new TwoViewNTXent().tryEvaluate(embeddings, ids, scale, blocking, rowLoss, valid, gradient);
    }

    /**
     * Fills {@code rowLoss}, {@code valid} and {@code gradient} (null: not wanted) and returns true, or returns false
     * without touching them when the batch is not two views per id or a sum over negatives underflows.
     *
     * @param embeddings {@code [B, d]} in the compute type
     * @param ids        {@code [B, 1]} label ids
     * @param scale      1/τ
     * @param blocking   rows per block: one block keeps its exponentials for the gradient, several compute them twice
     */
    boolean tryEvaluate(INDArray embeddings, INDArray ids, double scale, Blocking blocking, INDArray rowLoss,
                        INDArray valid, INDArray gradient) {
        long batch = embeddings.rows();
        if (batch < 4 || batch % 2 != 0) {
            return false;
        }
        DataType type = embeddings.dataType();
        NDArrayOps o = NDArrayOps.INSTANCE;
        long blockRows = blocking.rowsPerBlock(batch, batch, type, SQUARE_ARRAYS);
        try (MemoryWorkspace ignored = ScratchWorkspace.enter(ScratchWorkspace.BATCH)) {
            Pairs pairs = knownPairs(ids);
            if (!pairs.twoViews()) {
                return false;
            }
            RowNormalization.Normalized<INDArray> normalized = RowNormalization.normalize(o,
                    pairs.order() == null ? embeddings : gatherRows(embeddings, pairs.order()));
            INDArray units = normalized.unit();
            INDArray wholeBatch = blockRows >= batch ? exponentials(units, 0, batch, scale) : null;
            INDArray negativeSums = wholeBatch != null ? wholeBatch.sum(true, 1) : Nd4j.createUninitialized(type, batch, 1);
            for (long from = 0; wholeBatch == null && from < batch; from += blockRows) {
                long to = Math.min(batch, from + blockRows);
                try (MemoryWorkspace ignoredToo = ScratchWorkspace.enter(ScratchWorkspace.BLOCK)) {
                    o.rows(negativeSums, from, to).assign(exponentials(units, from, to, scale).sum(true, 1));
                }
            }
            long half = batch / 2;
            INDArray partnerUnits = Nd4j.concat(0, o.rows(units, half, batch), o.rows(units, 0, half));
            INDArray shiftedPositive = units.mul(partnerUnits).sum(true, 1).subi(1.0).muli(scale);
            ShiftedExponentials.AnchorTerms terms = ShiftedExponentials.AnchorTerms.of(negativeSums, shiftedPositive, 1.0);
            if (terms == null) {
                return false;
            }
            rowLoss.assign(inBatchOrder(terms.loss(), pairs));
            valid.assign(1.0);
            if (gradient == null) {
                return true;
            }
            INDArray inverse = terms.inverse();
            INDArray gradUnits;
            if (wholeBatch != null) {
                gradUnits = o.mmul(symmetricWeights(wholeBatch, inverse, 0), units, false, false);
            } else {
                gradUnits = Nd4j.createUninitialized(type, units.shape());
                for (long from = 0; from < batch; from += blockRows) {
                    long to = Math.min(batch, from + blockRows);
                    try (MemoryWorkspace ignoredToo = ScratchWorkspace.enter(ScratchWorkspace.BLOCK)) {
                        INDArray weights = symmetricWeights(exponentials(units, from, to, scale), inverse, from);
                        Nd4j.gemm(weights, units, o.rows(gradUnits, from, to), false, false, 1.0, 0.0);
                    }
                }
            }
            INDArray positiveWeight = terms.positiveWeight();
            INDArray pairWeight = positiveWeight.add(Nd4j.concat(0, o.rows(positiveWeight, half, batch), o.rows(positiveWeight, 0, half)));
            gradUnits.subi(partnerUnits.muliColumnVector(pairWeight));
            gradient.assign(inBatchOrder(RowNormalization.backward(o, normalized, gradUnits.muli(scale)), pairs));
            return true;
        }
    }

    /** {@code E} for anchor rows {@code [from, to)}, without the anchor itself and its positive ({@code i ± B/2}). */
    private static INDArray exponentials(INDArray units, long from, long to, double scale) {
        long half = units.rows() / 2;
        List<ShiftedExponentials.Diagonal> excluded = new ArrayList<>();
        excluded.add(new ShiftedExponentials.Diagonal(0, from, to - from));
        long firstHalfEnd = Math.min(to, half);
        if (from < firstHalfEnd) {
            excluded.add(new ShiftedExponentials.Diagonal(0, from + half, firstHalfEnd - from));
        }
        long secondHalfStart = Math.max(from, half);
        if (secondHalfStart < to) {
            excluded.add(new ShiftedExponentials.Diagonal(secondHalfStart - from, secondHalfStart - half, to - secondHalfStart));
        }
        return ShiftedExponentials.of(NDArrayOps.INSTANCE.rows(units, from, to), units, scale, excluded);
    }

    /**
     * The negatives' part of {@code P + Pᵀ} for anchor rows {@code [from, from + b)}, in place of {@code exps}:
     * {@code E_ij c_i + E_ij c_j} ({@code E} is symmetric, so {@code E_ij c_j} is {@code P_ji}).
     *
     * @param inverse {@code [B, 1]} {@code c = 1/(r⁻ + e^{L⁺})}, each anchor's softmax normaliser
     */
    private static INDArray symmetricWeights(INDArray exps, INDArray inverse, long from) {
        INDArray transposed = exps.mulRowVector(inverse.reshape(1, inverse.length()));
        return exps.muliColumnVector(NDArrayOps.INSTANCE.rows(inverse, from, from + exps.rows())).addi(transposed);
    }

    private static INDArray inBatchOrder(INDArray rows, Pairs pairs) {
        return pairs.inverse() == null ? rows : gatherRows(rows, pairs.inverse());
    }

    private static INDArray gatherRows(INDArray a, INDArray rows) {
        return Nd4j.exec(DynamicCustomOp.builder("gather").addInputs(a, rows).addIntegerArguments(0).build())[0];
    }

    private Pairs knownPairs(INDArray ids) {
        Pairs seen = last;
        INDArray idVector = ids.reshape(ids.length());
        if (seen != null && seen.isLayoutOf(idVector)) {
            return seen;
        }
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            // a batch that is not two views is remembered too: SupCon trains on the same class layout every step
            Pairs pairs = pairs(idVector);
            last = pairs;
            return pairs;
        }
    }

    /**
     * The pairs of a batch in which every id occurs exactly twice (else {@code twoViews} is false). Sorting the keys
     * {@code (id - min id)·B + row} groups equal ids and keeps each row's index ({@code key mod B}); ND4J's native sort
     * is {@code O(B log B)} and has no index output of its own.
     */
    private static Pairs pairs(INDArray idVector) {
        long batch = idVector.length();
        long half = batch / 2;
        INDArray id = idVector.castTo(DataType.DOUBLE);
        if (Transforms.floor(id, true).neq(id).any()) {
            return new Pairs(idVector.dup(), false, null, null);
        }
        double smallestId = id.minNumber().doubleValue();
        if (id.maxNumber().doubleValue() - smallestId > LARGEST_ID) {
            return new Pairs(idVector.dup(), false, null, null);
        }
        // keys from 0 up, so that fmod is the row
        INDArray keys = Nd4j.sort(id.sub(smallestId).muli(batch).addi(Nd4j.arange(0, batch).castTo(DataType.DOUBLE)), true);
        INDArray rowOfKey = keys.fmod(batch);
        INDArray sortedIds = keys.sub(rowOfKey).divi(batch);
        INDArray first = sortedIds.get(everyOther(0, batch));
        INDArray second = sortedIds.get(everyOther(1, batch));
        if (first.neq(second).any()
                || second.get(NDArrayIndex.interval(0, half - 1)).eq(first.get(NDArrayIndex.interval(1, half))).any()) {
            return new Pairs(idVector.dup(), false, null, null);
        }
        if (!id.get(NDArrayIndex.interval(0, half)).neq(id.get(NDArrayIndex.interval(half, batch))).any()) {
            return new Pairs(idVector.dup(), true, null, null);
        }
        INDArray row = rowOfKey.castTo(DataType.LONG);
        INDArray order = Nd4j.concat(0, row.get(everyOther(0, batch)), row.get(everyOther(1, batch)));
        INDArray inverse = Nd4j.create(DataType.LONG, batch);
        Nd4j.exec(DynamicCustomOp.builder("scatter_upd").addInputs(inverse, order, Nd4j.arange(0, batch).castTo(DataType.LONG))
                .addOutputs(inverse).build());
        return new Pairs(idVector.dup(), true, order, inverse);
    }

    private static INDArrayIndex everyOther(long from, long length) {
        return NDArrayIndex.interval(from, 2, length);
    }
}
