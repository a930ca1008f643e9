package dev.dl4jlosses.core.math;

/**
 * The lifted structured loss (Song, Xiang, Jegelka &amp; Savarese 2016) in its smooth form, as pytorch-metric-learning's
 * {@code LiftedStructureLoss}: for every positive pair {@code (i, j)},
 * {@code J_ij = log(Σ_{k ∈ N(i)} e^{m_n - d_ik} + Σ_{l ∈ N(j)} e^{m_n - d_jl}) + d_ij - m_p}, and
 * {@code L = (1/|P|) Σ_{(i,j) ∈ P} ½ [J_ij]_+²} over the ordered positive pairs ({@code MeanReducer}; the ½ is the
 * paper's {@code 1/(2|P|)}, each unordered pair being counted twice).
 *
 * <p>With {@code λ_i = log Σ_{k ∈ N(i)} e^{m_n - d_ik}}, {@code J_ij = logaddexp(λ_i, λ_j) + d_ij - m_p}. Gradient, with
 * {@code g_ij = [J_ij]_+ / |P|} and {@code w_ij = σ(λ_i - λ_j)}: {@code ∂L/∂d_ij = g_ij} on positive pairs, and
 * {@code ∂L/∂d_ik = -a_i softmax_{N(i)}(m_n - d_i)_k} on negative pairs, where
 * {@code a_i = Σ_j g_ij w_ij + Σ_j g_ji (1 - w_ji)} collects the pairs in which {@code λ_i} appears.
 */
public final class LiftedStructureKernel implements DistanceKernel {

    private final double positiveMargin;
    private final double negativeMargin;

    public LiftedStructureKernel(double positiveMargin, double negativeMargin) {
        this.positiveMargin = positiveMargin;
        this.negativeMargin = negativeMargin;
    }

    @Override
    public <T> Terms<T> terms(TensorOps<T> o, T distance, T positives, T negatives, boolean withGradient) {
        T negativeLogits = o.maskLogits(o.rsub(distance, negativeMargin), negatives);
        T lambda = o.rowLogSumExp(negativeLogits);                                   // [B, 1]
        T lambdaRow = o.columnToRow(lambda);
        T lambdaGap = o.sub(lambda, lambdaRow);                                      // λ_i - λ_j
        // logaddexp(λ_i, λ_j) = λ_j + softplus(λ_i - λ_j); the two are equal sets for a positive pair (same class)
        T joint = o.add(o.add(o.add(lambdaRow, o.softplus(lambdaGap)), distance), -positiveMargin);
        T hinge = o.mul(o.relu(joint), positives);
        T pairCount = Reduction.MEAN_OVER_PAIRS.denominator(o, null, positives);
        T rowLoss = o.div(o.mul(o.rowSum(o.square(hinge)), 0.5), pairCount);
        T valid = ContrastiveKernel.validAnchors(o, positives, negatives);
        if (!withGradient) {
            return new Terms<>(rowLoss, valid, null);
        }
        T g = o.div(hinge, pairCount);
        T w = o.sigmoid(lambdaGap);
        T gw = o.mul(g, w);
        T ones = o.onesLike(lambda);
        T a = o.add(o.rowSum(gw), o.mmul(o.sub(g, gw), ones, true, false));         // colSum(g ⊙ (1 - w)) as a column
        T softmax = o.mul(o.softmaxGivenLogSumExp(negativeLogits, lambda), negatives);
        return new Terms<>(rowLoss, valid, o.sub(g, o.mul(softmax, a)));
    }
}
