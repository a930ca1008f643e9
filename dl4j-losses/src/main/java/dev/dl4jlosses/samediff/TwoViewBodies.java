package dev.dl4jlosses.samediff;

import java.util.List;

import dev.dl4jlosses.core.math.RowNormalization;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Node bodies for the two layouts whose positives the graph's structure fixes, in the form of the eager fast paths
 * ({@code core.eager.TwoViewNTXent} and {@code OneToOneInfoNCE}), so that a training step holds a few {@code N×N}
 * arrays instead of the general path's few dozen:
 * <ul>
 *   <li>{@code E_ij = exp((u_i·v_j − 1)/τ)}: cosine similarities are at most 1, so the shift by 1/τ replaces the row
 *       maximum; the positives' entries (a diagonal of each block) are multiplied by 0, so the sums run over negatives;</li>
 *   <li>with {@code r⁻} an anchor's sum over its negatives and {@code L⁺ = (u·p − 1)/τ} its positive's shifted logit,
 *       its loss is {@code softplus(log r⁻ − L⁺)}, its softmax normaliser {@code c = 1/(r⁻ + e^{L⁺})} and the weight
 *       its positive loses {@code w = r⁻ c} ({@code ShiftedExponentials.AnchorTerms} on the eager side);</li>
 *   <li>the gradient of the similarities is {@code E ⊙ (c + cᵀ)} on the negatives (E is symmetric, so anchor i's
 *       softmax term and anchor j's are one entry weighted twice), then one product with the rows.</li>
 * </ul>
 * Both fronts are bound by parity tests ({@code TwoViewBodiesTest}). The general bodies ({@link GraphBodies}) remain
 * for everything else: learnable temperatures, labels, explicit negatives, queues, hardest negatives, raw dot
 * products, and temperatures at which a sum over negatives could underflow ({@link #covers}).
 */
final class TwoViewBodies {

    /**
     * Largest {@code 2/τ} at which every term {@code e^{(u·v − 1)/τ} ≥ e^{−2/τ}} stays above the smallest sum the eager
     * path accepts (1e-30 in float32, 1e-290 in float64; {@code ShiftedExponentials.smallestSum}): beyond it the graph
     * could not fall back at run time, so such temperatures take the general body, which subtracts each row's maximum.
     */
    private static final double LARGEST_FLOAT_SPAN = 69.0;
    private static final double LARGEST_DOUBLE_SPAN = 667.0;

    private TwoViewBodies() {
    }

    /** Whether a fixed temperature {@code τ = 1/scale} computed in {@code type} is one these bodies cover. */
    static boolean covers(DataType type, double scale) {
        return 2 * scale <= (type == DataType.DOUBLE ? LARGEST_DOUBLE_SPAN : LARGEST_FLOAT_SPAN);
    }

    /**
     * SimCLR's NT-Xent over two views (inputs 0 and 1, {@code [N, d]}, row i of both the two views of example i), all
     * 2N rows anchors, cosine similarity, every other row a negative. In blocks of the views, {@code E₁₁}, {@code E₁₂}
     * and {@code E₂₂} ({@code E₂₁ = E₁₂ᵀ}): three {@code N×d×N} products forward (three quarters of the {@code 2N}
     * batch's one) and four backward.
     */
    static GraphRunner.Body ntXent(SameDiffOps ops, double scale) {
        return c -> {
            SameDiff sd = c.sd();
            RowNormalization.Normalized<SDVariable> first = RowNormalization.normalize(ops, c.input(0));
            RowNormalization.Normalized<SDVariable> second = RowNormalization.normalize(ops, c.input(1));
            SDVariable u1 = first.unit();
            SDVariable u2 = second.unit();
            SDVariable positive = u1.mul(u2).sum(true, 1).mul(scale).sub(scale);
            SDVariable firstBlock = exponentials(sd, u1, u1, scale);
            SDVariable offDiagonal = offDiagonal(ops, firstBlock);
            SDVariable e11 = firstBlock.mul(offDiagonal);
            SDVariable e12 = exponentials(sd, u1, u2, scale).mul(offDiagonal);
            SDVariable e22 = exponentials(sd, u2, u2, scale).mul(offDiagonal);
            Anchors a1 = Anchors.of(ops, e11.sum(true, 1).add(e12.sum(true, 1)), positive);
            Anchors a2 = Anchors.of(ops, e22.sum(true, 1).add(sd.reshape(e12.sum(true, 0), -1, 1)), positive);
            SDVariable rowLoss = sd.concat(0, a1.loss(), a2.loss());
            return new GraphRunner.Terms(List.of(new GraphRunner.Part(rowLoss, sd.onesLike(rowLoss), 1)), w -> {
                SDVariable g11 = e11.mul(a1.inverse().add(row(sd, a1.inverse())));
                SDVariable g12 = e12.mul(a1.inverse().add(row(sd, a2.inverse())));
                SDVariable g22 = e22.mul(a2.inverse().add(row(sd, a2.inverse())));
                SDVariable pairWeight = a1.positiveWeight().add(a2.positiveWeight());
                SDVariable gradU1 = ops.mmul(g11, u1, false, false).add(ops.mmul(g12, u2, false, false)).sub(u2.mul(pairWeight));
                SDVariable gradU2 = ops.mmul(g12, u1, true, false).add(ops.mmul(g22, u2, false, false)).sub(u1.mul(pairWeight));
                return new GraphRunner.Gradients(List.of(
                        w.get(0).apply(RowNormalization.backward(ops, first, gradU1.mul(scale))),
                        w.get(0).apply(RowNormalization.backward(ops, second, gradU2.mul(scale)))), null);
            });
        };
    }

    /**
     * InfoNCE with in-batch negatives only (queries input 0, keys input 1, {@code [N, d]}, key i query i's positive),
     * cosine similarity; {@code symmetric}: also keys against queries, each direction half of the loss. One
     * {@code E = exp((QKᵀ − 1)/τ)} serves both directions (row sums for the queries, column sums for the keys), and
     * both directions' gradients go through one weight matrix {@code E ⊙ (c_q + c_kᵀ)}: one product forward, two
     * backward.
     */
    static GraphRunner.Body infoNce(SameDiffOps ops, double scale, boolean symmetric) {
        return c -> {
            SameDiff sd = c.sd();
            RowNormalization.Normalized<SDVariable> queries = RowNormalization.normalize(ops, c.input(0));
            RowNormalization.Normalized<SDVariable> keys = RowNormalization.normalize(ops, c.input(1));
            SDVariable q = queries.unit();
            SDVariable k = keys.unit();
            SDVariable positive = q.mul(k).sum(true, 1).mul(scale).sub(scale);
            SDVariable all = exponentials(sd, q, k, scale);
            SDVariable e = all.mul(offDiagonal(ops, all));
            Anchors byQuery = Anchors.of(ops, e.sum(true, 1), positive);
            Anchors byKey = symmetric ? Anchors.of(ops, sd.reshape(e.sum(true, 0), -1, 1), positive) : null;
            List<GraphRunner.Part> parts = symmetric
                    ? List.of(new GraphRunner.Part(byQuery.loss(), sd.onesLike(byQuery.loss()), 0.5),
                              new GraphRunner.Part(byKey.loss(), sd.onesLike(byKey.loss()), 0.5))
                    : List.of(new GraphRunner.Part(byQuery.loss(), sd.onesLike(byQuery.loss()), 1));
            return new GraphRunner.Terms(parts, w -> {
                // each direction's weights carry its reduction, so the two share one weight matrix and its products
                SDVariable rowWeight = w.get(0).apply(byQuery.inverse());
                SDVariable pairWeight = w.get(0).apply(byQuery.positiveWeight());
                SDVariable weights = symmetric ? e.mul(rowWeight.add(row(sd, w.get(1).apply(byKey.inverse())))) : e.mul(rowWeight);
                if (symmetric) {
                    pairWeight = pairWeight.add(w.get(1).apply(byKey.positiveWeight()));
                }
                SDVariable gradQ = ops.mmul(weights, k, false, false).sub(k.mul(pairWeight));
                SDVariable gradK = ops.mmul(weights, q, true, false).sub(q.mul(pairWeight));
                return new GraphRunner.Gradients(List.of(RowNormalization.backward(ops, queries, gradQ.mul(scale)),
                        RowNormalization.backward(ops, keys, gradK.mul(scale))), null);
            });
        };
    }

    /** {@code exp((a·bᵀ − 1)·s)}. */
    private static SDVariable exponentials(SameDiff sd, SDVariable a, SDVariable b, double scale) {
        return sd.math.exp(sd.mmul(a.mul(scale), b, false, true, false).sub(scale));
    }

    /**
     * {@code 1 − I} shaped like {@code square}: multiplied in, it leaves out the diagonal (each block's positives, or
     * each row itself) exactly. Not {@code matrix_set_diag}: M2.1's CPU kernel of it dies of an integer division by
     * zero (SIGFPE) in its multi-threaded loop at {@code [512, 512]} float32.
     */
    private static SDVariable offDiagonal(SameDiffOps ops, SDVariable square) {
        return ops.rsub(ops.diagonalMask(square, 0), 1.0);
    }

    private static SDVariable row(SameDiff sd, SDVariable column) {
        return sd.reshape(column, 1, -1);
    }

    /**
     * What each anchor's loss and gradient need besides E, all {@code [N, 1]}.
     *
     * @param loss           {@code softplus(log r⁻ − L⁺)}
     * @param inverse        {@code c = 1/(r⁻ + e^{L⁺})}
     * @param positiveWeight {@code w = r⁻ c}
     */
    private record Anchors(SDVariable loss, SDVariable inverse, SDVariable positiveWeight) {

        static Anchors of(SameDiffOps ops, SDVariable negativeSums, SDVariable shiftedPositive) {
            SDVariable inverse = ops.exp(shiftedPositive).add(negativeSums).rdiv(1.0);
            SDVariable loss = ops.softplus(ops.log(negativeSums).sub(shiftedPositive));
            return new Anchors(loss, inverse, negativeSums.mul(inverse));
        }
    }
}
