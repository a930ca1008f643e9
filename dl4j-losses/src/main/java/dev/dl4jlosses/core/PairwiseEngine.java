package dev.dl4jlosses.core;

/**
 * Losses over one embedding matrix {@code [B, d]} whose rows are both the anchors and the candidates (NT-Xent,
 * SupCon, circle, ...), evaluated one block of anchor rows at a time so a front can bound its memory.
 *
 * <p>With {@code u} the (optionally normalised) rows and {@code s} the logit scale (1/τ), the logits of block
 * {@code R} are {@code L_R = s · u_R uᵀ}. Given {@code G_R = ∂ℓ/∂L_R} from the kernel, the block contributes
 * {@code s · G_R u} to the gradient of rows {@code R} and {@code s · G_Rᵀ u_R} to the gradient of all rows.
 */
public final class PairwiseEngine {

    /** Upper bound of a block that means "all rows". */
    public static final long ALL_ROWS = Long.MAX_VALUE;

    /** What all blocks of a batch share. */
    public record Prepared<T>(RowNormalization.Normalized<T> normalized, T units, T scaledUnits, T scale,
                              T ids, T idsRow, T keep, T keepRow) {
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
     */
    public static <T> Prepared<T> prepare(TensorOps<T> o, T embeddings, T ids, T keep, T scale, boolean normalize) {
        RowNormalization.Normalized<T> normalized = normalize ? RowNormalization.normalize(o, embeddings) : null;
        T units = normalize ? normalized.unit() : embeddings;
        return new Prepared<>(normalized, units, o.mul(units, scale), scale, ids, o.columnToRow(ids),
                keep, keep == null ? null : o.columnToRow(keep));
    }

    public static <T> Block<T> block(TensorOps<T> o, ContrastiveKernel kernel, NegativeSelection selection,
                                     Prepared<T> p, long from, long to, boolean withGradient, boolean withScaleGradient) {
        T scaledRows = o.rows(p.scaledUnits(), from, to);
        T logits = o.mmul(scaledRows, p.units(), false, true);
        PairMasks<T> masks = PairMasks.fromIds(o, o.rows(p.ids(), from, to), p.idsRow(), o.diagonalMask(logits, from),
                p.keep() == null ? null : o.rows(p.keep(), from, to), p.keepRow());
        if (selection != null) {
            masks = masks.withNegatives(selection.select(o, o.div(logits, p.scale()), masks.negatives()));
        }
        BlockTerms<T> terms = kernel.terms(o, logits, masks.positives(), masks.negatives(), withGradient);
        if (!withGradient) {
            return new Block<>(terms.rowLoss(), terms.valid(), null, null, null);
        }
        T grad = terms.gradLogits();
        T gradScale = withScaleGradient ? o.div(o.sum(o.mul(grad, logits)), p.scale()) : null;
        return new Block<>(terms.rowLoss(), terms.valid(), o.mmul(grad, p.scaledUnits(), false, false),
                o.mmul(grad, scaledRows, true, false), gradScale);
    }

    /** From the gradient with respect to {@code units} to the gradient with respect to the embeddings. */
    public static <T> T embeddingGradient(TensorOps<T> o, Prepared<T> p, T gradUnits) {
        return p.normalized() == null ? gradUnits : RowNormalization.backward(o, p.normalized(), gradUnits);
    }
}
