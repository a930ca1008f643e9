package dev.dl4jlosses.core;

/**
 * Circle loss (Sun et al. 2020), pair-label form, on cosine similarities {@code s}:
 * {@code ℓ_i = softplus(lse_n γα_n(s_n - Δ_n) + lse_p -γα_p(s_p - Δ_p))} with {@code α_p = [1 + m - s_p]_+},
 * {@code α_n = [s_n + m]_+} held constant, {@code Δ_p = 1 - m}, {@code Δ_n = m}.
 *
 * <p>Gradient: with {@code z_i} the softplus argument, {@code ∂ℓ_i/∂s_ip = -σ(z_i) softmax_P(i)_p γα_p} and
 * {@code ∂ℓ_i/∂s_in = σ(z_i) softmax_N(i)_n γα_n}. The logits this kernel receives are the similarities (scale 1).
 */
public final class CircleKernel implements ContrastiveKernel {

    private final double margin;
    private final double gamma;

    public CircleKernel(double margin, double gamma) {
        this.margin = margin;
        this.gamma = gamma;
    }

    @Override
    public <T> BlockTerms<T> terms(TensorOps<T> o, T similarity, T positives, T negatives, boolean withGradient) {
        T valid = ContrastiveKernel.validAnchors(o, positives, negatives);
        T positiveScale = o.mulInPlace(o.relu(o.rsub(similarity, 1 + margin)), -gamma);     // -γ α_p
        T negativeScale = o.mulInPlace(o.relu(o.add(similarity, margin)), gamma);           //  γ α_n
        T positiveLogits = o.maskLogits(o.mul(positiveScale, o.add(similarity, margin - 1)), positives);
        T negativeLogits = o.maskLogits(o.mul(negativeScale, o.add(similarity, -margin)), negatives);
        T positiveLse = o.rowLogSumExp(positiveLogits);
        T negativeLse = o.rowLogSumExp(negativeLogits);
        T z = o.add(positiveLse, negativeLse);
        T rowLoss = o.mul(o.softplus(z), valid);
        if (!withGradient) {
            return new BlockTerms<>(rowLoss, valid, null);
        }
        T weight = o.mul(o.sigmoid(z), valid);
        T positiveGrad = o.mulInPlace(o.softmaxGivenLogSumExp(positiveLogits, positiveLse), positiveScale);
        T negativeGrad = o.mulInPlace(o.softmaxGivenLogSumExp(negativeLogits, negativeLse), negativeScale);
        T grad = o.mulInPlace(o.addInPlace(positiveGrad, negativeGrad), weight);
        return new BlockTerms<>(rowLoss, valid, grad);
    }
}
