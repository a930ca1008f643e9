package dev.dl4jlosses.core.math;

/**
 * Circle loss (Sun et al. 2020), pair-label form, on cosine similarities {@code s}:
 * {@code ℓ_i = softplus(lse_n γα_n(s_n - Δ_n) + lse_p -γα_p(s_p - Δ_p))} with {@code α_p = [1 + m - s_p]_+},
 * {@code α_n = [s_n + m]_+}, {@code Δ_p = 1 - m}, {@code Δ_n = m}.
 *
 * <p>Gradient, with {@code z_i} the softplus argument: {@code ∂ℓ_i/∂s_ip = σ(z_i) softmax_P(i)_p c_p} and
 * {@code ∂ℓ_i/∂s_in = σ(z_i) softmax_N(i)_n c_n}. As in the paper, the weights α are held constant by default
 * ({@code detachWeights}): {@code c_p = -γα_p}, {@code c_n = γα_n}; that gradient is not the derivative of the loss
 * value. Without detaching, {@code c_p = -γ(α_p - (s_p - Δ_p)[α_p > 0])} and {@code c_n = γ(α_n + (s_n - Δ_n)[α_n > 0])}.
 * The logits this kernel receives are the similarities (scale 1).
 */
public final class CircleKernel implements ContrastiveKernel {

    private final double margin;
    private final double gamma;
    private final boolean detachWeights;

    public CircleKernel(double margin, double gamma, boolean detachWeights) {
        this.margin = margin;
        this.gamma = gamma;
        this.detachWeights = detachWeights;
    }

    @Override
    public <T> BlockTerms<T> terms(TensorOps<T> o, T similarity, T positives, T negatives, boolean withGradient) {
        T valid = ContrastiveKernel.validAnchors(o, positives, negatives);
        T positiveAlpha = o.relu(o.rsub(similarity, 1 + margin));
        T negativeAlpha = o.relu(o.add(similarity, margin));
        T positiveOffset = o.add(similarity, margin - 1);                                    // s - Δ_p
        T negativeOffset = o.add(similarity, -margin);                                       // s - Δ_n
        T positiveLogits = o.maskLogits(o.mul(o.mul(positiveAlpha, -gamma), positiveOffset), positives);
        T negativeLogits = o.maskLogits(o.mul(o.mul(negativeAlpha, gamma), negativeOffset), negatives);
        TensorOps.RowSoftmax<T> overPositives = o.rowSoftmax(positiveLogits);
        TensorOps.RowSoftmax<T> overNegatives = o.rowSoftmax(negativeLogits);
        T z = o.add(overPositives.logSumExp(), overNegatives.logSumExp());
        T rowLoss = o.mul(o.softplus(z), valid);
        if (!withGradient) {
            return new BlockTerms<>(rowLoss, valid, null);
        }
        T positiveCoefficient = o.mul(positiveAlpha, -gamma);
        T negativeCoefficient = o.mul(negativeAlpha, gamma);
        if (!detachWeights) {
            positiveCoefficient = o.addInPlace(positiveCoefficient, o.mulInPlace(o.mul(positiveOffset, gamma), o.greaterThan(positiveAlpha, 0)));
            negativeCoefficient = o.addInPlace(negativeCoefficient, o.mulInPlace(o.mul(negativeOffset, gamma), o.greaterThan(negativeAlpha, 0)));
        }
        T weight = o.mul(o.sigmoid(z), valid);
        T positiveGrad = o.mulInPlace(overPositives.softmax(), positiveCoefficient);
        T negativeGrad = o.mulInPlace(overNegatives.softmax(), negativeCoefficient);
        T grad = o.mulInPlace(o.addInPlace(positiveGrad, negativeGrad), weight);
        return new BlockTerms<>(rowLoss, valid, grad);
    }
}
