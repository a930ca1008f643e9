package dev.dl4jlosses.core.engine;

import java.util.List;

import dev.dl4jlosses.core.math.BlockTerms;
import dev.dl4jlosses.core.math.ContrastiveKernel;
import dev.dl4jlosses.core.math.NegativeSelection;
import dev.dl4jlosses.core.math.PairMasks;
import dev.dl4jlosses.core.math.RowNormalization;
import dev.dl4jlosses.core.math.TensorOps;

/**
 * Losses over one embedding matrix {@code [B, d]} whose rows are both the anchors and the candidates (NT-Xent,
 * SupCon, circle, ...), evaluated one block of anchor rows at a time so a front can bound its memory.
 *
 * <p>With {@code u} the (optionally normalised) rows and {@code s} the logit scale (1/τ), the logits of block
 * {@code R} are {@code L_R = s · u_R uᵀ}. Given {@code G_R = ∂ℓ/∂L_R} from the kernel, the block contributes
 * {@code s · G_R u} to the gradient of rows {@code R} and {@code s · G_Rᵀ u_R} to the gradient of all rows.
 *
 * <p>Optional extra negatives {@code [M, d]} (a memory queue of past embeddings) join the candidates,
 * {@code c = [u ; n]} and {@code L_R = s · u_R cᵀ}: they are negatives of every anchor with another id, never
 * positives, and receive no gradient (the rows of {@code G_Rᵀ u_R} that belong to them are dropped).
 */
public final class PairwiseEngine {

    /** Upper bound of a block that means "all rows". */
    public static final long ALL_ROWS = Long.MAX_VALUE;

    /**
     * What all blocks of a batch share.
     *
     * @param candidates       {@code [B+M, d]} the units followed by the extra negatives' units ({@code units} without)
     * @param candidateInBatch {@code [1, B+M]} 1 for the batch's rows, 0 for extra negatives (null without)
     */
    public record Prepared<T>(RowNormalization.Normalized<T> normalized, T units, T scaledUnits, T scale, T ids, T keep,
                              T candidates, T scaledCandidates, T candidateIdsRow, T candidateKeepRow, T candidateInBatch) {
    }

    /**
     * One block's share of the result.
     *
     * @param gradRows  {@code [b, d]} gradient contribution to the block's own rows (of {@code units})
     * @param gradAll   {@code [B, d]} gradient contribution to all rows (of {@code units})
     * @param gradScale scalar {@code ∂ℓ/∂s}, or null when not asked for
     */
    public record Block<T>(T rowLoss, T valid, T gradRows, T gradAll, T gradScale) {
    }

    private PairwiseEngine() {
    }

    /**
     * @param embeddings {@code [B, d]} in the compute type
     * @param ids        {@code [B, 1]} label ids
     * @param keep       {@code [B, 1]} 0/1 example mask, or null
     * @param scale      scalar logit scale
     * @param extra      negatives besides the batch, with their ids (those with an anchor's id are not its
     *                   negatives), or null
     */
    public static <T> Prepared<T> prepare(TensorOps<T> o, T embeddings, T ids, T keep, T scale, boolean normalize,
                                          ExtraNegatives<T> extra) {
        RowNormalization.Normalized<T> normalized = normalize ? RowNormalization.normalize(o, embeddings) : null;
        T units = normalize ? normalized.unit() : embeddings;
        T scaledUnits = o.mul(units, scale);
        T idsRow = o.columnToRow(ids);
        T keepRow = keep == null ? null : o.columnToRow(keep);
        if (extra == null) {
            return new Prepared<>(normalized, units, scaledUnits, scale, ids, keep, units, scaledUnits, idsRow, keepRow, null);
        }
        T negativeUnits = normalize ? RowNormalization.normalize(o, extra.rows()).unit() : extra.rows();
        T candidates = o.concatRows(List.of(units, negativeUnits));
        T batchOnesRow = o.onesLike(idsRow);
        T negativeIdsRow = o.columnToRow(extra.ids());
        T negativeKeepRow = extra.keep() == null ? o.onesLike(negativeIdsRow) : o.columnToRow(extra.keep());
        return new Prepared<>(normalized, units, scaledUnits, scale, ids, keep, candidates, o.mul(candidates, scale),
                o.concatColumns(idsRow, negativeIdsRow), o.concatColumns(keepRow == null ? batchOnesRow : keepRow, negativeKeepRow),
                o.concatColumns(batchOnesRow, o.zerosLike(negativeIdsRow)));
    }

    public static <T> Block<T> block(TensorOps<T> o, ContrastiveKernel kernel, NegativeSelection selection,
                                     Prepared<T> p, long from, long to, boolean withGradient, boolean withScaleGradient) {
        T scaledRows = o.rows(p.scaledUnits(), from, to);
        T logits = o.mmul(scaledRows, p.candidates(), false, true);
        PairMasks<T> masks = PairMasks.fromIds(o, o.rows(p.ids(), from, to), p.candidateIdsRow(), o.diagonalMask(logits, from),
                p.keep() == null ? null : o.rows(p.keep(), from, to), p.candidateKeepRow());
        if (p.candidateInBatch() != null) {
            masks = new PairMasks<>(o.mul(masks.positives(), p.candidateInBatch()), masks.negatives());
        }
        KernelTerms<T> k = KernelTerms.of(o, kernel, selection, logits, masks, p.scale(), withGradient, withScaleGradient);
        BlockTerms<T> terms = k.terms();
        if (!withGradient) {
            return new Block<>(terms.rowLoss(), terms.valid(), null, null, null);
        }
        T grad = terms.gradLogits();
        T gradCandidates = o.mmul(grad, scaledRows, true, false);
        return new Block<>(terms.rowLoss(), terms.valid(), o.mmul(grad, p.scaledCandidates(), false, false),
                p.candidateInBatch() == null ? gradCandidates : o.splitRows(gradCandidates, p.units()).get(0), k.gradScale());
    }

    /** From the gradient with respect to {@code units} to the gradient with respect to the embeddings. */
    public static <T> T embeddingGradient(TensorOps<T> o, Prepared<T> p, T gradUnits) {
        return p.normalized() == null ? gradUnits : RowNormalization.backward(o, p.normalized(), gradUnits);
    }
}
