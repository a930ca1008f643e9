package dev.dl4jlosses.core.math;

/**
 * {@code L_simple} (Wang &amp; Liu 2021), the contrastive objective without hardness awareness: every negative is
 * pushed away with the same weight, {@code ℓ_i = -(1/|P(i)|) Σ_{p ∈ P(i)} s_ip + λ (1/|N(i)|) Σ_{n ∈ N(i)} s_in}.
 * The logits this kernel receives are the similarities (scale 1).
 *
 * <p>Gradient: {@code ∂ℓ_i/∂s_ip = -1/|P(i)|}, {@code ∂ℓ_i/∂s_in = λ/|N(i)|}; constant, unlike the softmax losses,
 * whose weight on a negative grows with its similarity.
 */
public final class SimpleLossKernel implements ContrastiveKernel {

    private final double lambda;

    public SimpleLossKernel(double lambda) {
        this.lambda = lambda;
    }

    @Override
    public <T> BlockTerms<T> terms(TensorOps<T> o, T similarity, T positives, T negatives, boolean withGradient) {
        T valid = ContrastiveKernel.validAnchors(o, positives, negatives);
        T positiveWeight = ContrastiveKernel.positivePairWeight(o, positives, valid);
        T negativeWeight = o.mul(o.div(valid, o.max(o.rowSum(negatives), 1)), lambda);
        T grad = o.subInPlace(o.mul(negatives, negativeWeight), o.mul(positives, positiveWeight));
        T rowLoss = o.rowSum(o.mul(grad, similarity));                   // the loss is linear in s: ℓ_i = Σ_j (∂ℓ_i/∂s_ij) s_ij
        return new BlockTerms<>(rowLoss, valid, withGradient ? grad : null);
    }
}
