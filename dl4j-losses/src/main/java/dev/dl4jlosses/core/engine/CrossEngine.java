package dev.dl4jlosses.core.engine;

import java.util.Arrays;
import java.util.List;

import dev.dl4jlosses.core.math.BlockTerms;
import dev.dl4jlosses.core.math.ContrastiveKernel;
import dev.dl4jlosses.core.math.NegativeSelection;
import dev.dl4jlosses.core.math.PairMasks;
import dev.dl4jlosses.core.math.RowNormalization;
import dev.dl4jlosses.core.math.TensorOps;

/**
 * Losses between queries {@code [N, d]} and keys {@code [N, d]} (key i is query i's positive), optionally with
 * explicit negatives {@code [M, d]} shared by all queries: InfoNCE and its relatives. Evaluated one block of anchor
 * rows at a time, in two directions: queries against keys and negatives, and (for symmetric losses) keys against
 * queries.
 *
 * <p>The candidates of a query are {@code c = [k ; n]}; with scale {@code s}, {@code L_R = s · q_R cᵀ}. Given
 * {@code G_R = ∂ℓ/∂L_R}, the block contributes {@code s · G_R c} to rows {@code R} of the queries' gradient and
 * {@code s · G_Rᵀ q_R} to the candidates' gradient; the key-to-query direction mirrors this.
 */
public final class CrossEngine {

    /**
     * What all blocks of a batch share.
     *
     * @param candidateIdsRow {@code [1, N+M]} ids of the candidates (null without ids)
     * @param candidateIsKey  {@code [1, N+M]} 1 for keys, 0 for negatives without ids (null when not needed)
     * @param candidateKeepRow {@code [1, N+M]} example mask of the candidates (null without mask)
     * @param scale            the scalar logit scale
     */
    public record Prepared<T>(RowNormalization.Normalized<T> queryNorm, RowNormalization.Normalized<T> keyNorm,
                              RowNormalization.Normalized<T> negativeNorm,
                              T queries, T keys, T negatives, T candidates, T scaledQueries, T scaledKeys, T scaledCandidates,
                              T ids, T idsRow, T candidateIdsRow, T candidateIsKey, T keep, T keepRow,
                              T candidateKeepRow, T scale) {
    }

    /**
     * A block's share: {@code gradRows} for the anchors' own rows, {@code gradOther} for the other side,
     * {@code gradScale}, the scalar {@code ∂ℓ/∂s}, and {@code gradBias}, the scalar {@code ∂ℓ/∂b = Σ ∂ℓ/∂L} of a bias
     * added to every logit (SigLIP), each null when not asked for.
     */
    public record Block<T>(T rowLoss, T valid, T gradRows, T gradOther, T gradScale, T gradBias) {
    }

    private CrossEngine() {
    }

    /**
     * @param negatives   {@code [M, d]} negatives shared by all queries (explicit ones, or a queue's entries), or null;
     *                    without ids they are negatives of every query
     * @param ids         {@code [N, 1]} ids of query/key pairs, or null (then only a query's own key is excluded)
     * @param keep        {@code [N, 1]} example mask of the pairs, or null
     */
    public static <T> Prepared<T> prepare(TensorOps<T> o, T queries, T keys, ExtraNegatives<T> negatives, T ids, T keep,
                                          T scale, boolean normalize) {
        T negativeRows = negatives == null ? null : negatives.rows();
        T negativeIds = negatives == null ? null : negatives.ids();
        T negativeKeep = negatives == null ? null : negatives.keep();
        RowNormalization.Normalized<T> qn = normalize ? RowNormalization.normalize(o, queries) : null;
        RowNormalization.Normalized<T> kn = normalize ? RowNormalization.normalize(o, keys) : null;
        RowNormalization.Normalized<T> nn = normalize && negativeRows != null ? RowNormalization.normalize(o, negativeRows) : null;
        T q = qn == null ? queries : qn.unit();
        T k = kn == null ? keys : kn.unit();
        T n = nn == null ? negativeRows : nn.unit();
        T candidates = n == null ? k : o.concatRows(List.of(k, n));

        T idsRow = ids == null ? null : o.columnToRow(ids);
        T negativeZerosRow = n == null ? null : o.zerosLike(o.columnToRow(o.rowSum(n)));
        T candidateIdsRow = idsRow;
        T candidateIsKey = null;
        if (ids != null && n != null) {
            candidateIdsRow = o.concatColumns(idsRow, negativeIds == null ? negativeZerosRow : o.columnToRow(negativeIds));
            candidateIsKey = negativeIds == null ? o.concatColumns(o.onesLike(idsRow), negativeZerosRow) : null;
        }
        T keepRow = keep == null ? null : o.columnToRow(keep);
        T candidateKeepRow = keepRow;
        if (n != null && (keepRow != null || negativeKeep != null)) {
            candidateKeepRow = o.concatColumns(keepRow == null ? o.onesLike(o.columnToRow(o.rowSum(k))) : keepRow,
                    negativeKeep == null ? o.onesLike(negativeZerosRow) : o.columnToRow(negativeKeep));
        }
        T scaledQueries = o.mul(q, scale);
        T scaledKeys = o.mul(k, scale);
        T scaledCandidates = n == null ? scaledKeys : o.mul(candidates, scale);
        return new Prepared<>(qn, kn, nn, q, k, n, candidates, scaledQueries, scaledKeys, scaledCandidates,
                ids, idsRow, candidateIdsRow, candidateIsKey, keep, keepRow, candidateKeepRow, scale);
    }

    /**
     * Queries {@code [from, to)} against all keys and negatives.
     *
     * @param selection which negatives each anchor keeps, or null for all (the same in {@link #keyBlock})
     */
    public static <T> Block<T> queryBlock(TensorOps<T> o, ContrastiveKernel kernel, NegativeSelection selection,
                                          Prepared<T> p, long from, long to, boolean withGradient,
                                          boolean withScaleGradient, boolean withBiasGradient) {
        T scaledRows = o.rows(p.scaledQueries(), from, to);
        T logits = o.mmul(scaledRows, p.candidates(), false, true);
        T same = null;
        if (p.ids() != null) {
            same = o.equal(o.rows(p.ids(), from, to), p.candidateIdsRow());
            if (p.candidateIsKey() != null) {
                same = o.mulInPlace(same, p.candidateIsKey());
            }
        }
        return evaluate(o, kernel, selection, p, logits, from, to, same, p.candidateKeepRow(), scaledRows,
                p.scaledCandidates(), withGradient, withScaleGradient, withBiasGradient);
    }

    /** Keys {@code [from, to)} against all queries (the second direction of a symmetric loss). */
    public static <T> Block<T> keyBlock(TensorOps<T> o, ContrastiveKernel kernel, NegativeSelection selection,
                                        Prepared<T> p, long from, long to, boolean withGradient,
                                        boolean withScaleGradient, boolean withBiasGradient) {
        T scaledRows = o.rows(p.scaledKeys(), from, to);
        T logits = o.mmul(scaledRows, p.queries(), false, true);
        T same = p.ids() == null ? null : o.equal(o.rows(p.ids(), from, to), p.idsRow());
        return evaluate(o, kernel, selection, p, logits, from, to, same, p.keepRow(), scaledRows, p.scaledQueries(),
                withGradient, withScaleGradient, withBiasGradient);
    }

    private static <T> Block<T> evaluate(TensorOps<T> o, ContrastiveKernel kernel, NegativeSelection selection,
                                         Prepared<T> p, T logits, long from, long to, T same, T columnKeep,
                                         T scaledRows, T scaledColumns, boolean withGradient,
                                         boolean withScaleGradient, boolean withBiasGradient) {
        PairMasks<T> masks = kernel.queryKeyMasks(o, o.diagonalMask(logits, from), same)
                .keepOnly(o, p.keep() == null ? null : o.rows(p.keep(), from, to), columnKeep);
        KernelTerms<T> k = KernelTerms.of(o, kernel, selection, logits, masks, p.scale(), withGradient, withScaleGradient);
        BlockTerms<T> terms = k.terms();
        if (!withGradient) {
            return new Block<>(terms.rowLoss(), terms.valid(), null, null, null, null);
        }
        T grad = terms.gradLogits();
        return new Block<>(terms.rowLoss(), terms.valid(), o.mmul(grad, scaledColumns, false, false),
                o.mmul(grad, scaledRows, true, false), k.gradScale(), withBiasGradient ? o.sum(grad) : null);
    }

    /**
     * Gradients with respect to the raw queries, keys and negatives (null without negatives), from the summed block
     * contributions with respect to their units.
     *
     * @param gradKeysFromKeyBlocks the key rows' own gradient from {@link #keyBlock}s, or null
     */
    public static <T> List<T> inputGradients(TensorOps<T> o, Prepared<T> p, T gradQueries, T gradCandidates, T gradKeysFromKeyBlocks) {
        List<T> split = p.negatives() == null ? Arrays.asList(gradCandidates, null) : o.splitRows(gradCandidates, p.keys());
        T gradKeys = gradKeysFromKeyBlocks == null ? split.get(0) : o.add(split.get(0), gradKeysFromKeyBlocks);
        T gradNegatives = split.get(1);
        return Arrays.asList(
                backward(o, p.queryNorm(), gradQueries),
                backward(o, p.keyNorm(), gradKeys),
                gradNegatives == null ? null : backward(o, p.negativeNorm(), gradNegatives));
    }

    private static <T> T backward(TensorOps<T> o, RowNormalization.Normalized<T> norm, T grad) {
        return norm == null ? grad : RowNormalization.backward(o, norm, grad);
    }
}
