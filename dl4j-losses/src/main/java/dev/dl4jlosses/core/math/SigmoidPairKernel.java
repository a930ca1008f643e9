package dev.dl4jlosses.core.math;

import dev.dl4jlosses.core.Checks;

/**
 * SigLIP's sigmoid loss (Zhai et al. 2023): every (anchor, candidate) pair is a binary classification of its logit
 * plus a bias, {@code ℓ_i = Σ_{p ∈ P(i)} softplus(-(L_ip + b)) + Σ_{n ∈ N(i)} softplus(L_in + b)}, i.e.
 * {@code -Σ_j log σ(z_ij (L_ij + b))} with {@code z = +1} for the positive and -1 for the negatives. No softmax couples
 * the candidates, so blocks of anchors are independent. Valid anchors: those with a positive.
 *
 * <p>Gradient: {@code ∂ℓ_i/∂L_ip = -σ(-(L_ip + b))}, {@code ∂ℓ_i/∂L_in = σ(L_in + b)}.
 */
public final class SigmoidPairKernel implements ContrastiveKernel {

    private final double bias;

    /** @param bias b, added to every logit (SigLIP initialises it at -10) */
    public SigmoidPairKernel(double bias) {
        this.bias = Checks.finiteNumber("bias", bias);
    }

    @Override
    public <T> BlockTerms<T> terms(TensorOps<T> o, T logits, T positives, T negatives, boolean withGradient) {
        T valid = o.greaterThan(o.rowSum(positives), 0);
        T shifted = o.add(logits, bias);
        T negated = o.mul(shifted, -1);
        T rowLoss = o.mul(o.rowSum(o.add(o.mul(o.softplus(negated), positives), o.mul(o.softplus(shifted), negatives))), valid);
        if (!withGradient) {
            return new BlockTerms<>(rowLoss, valid, null);
        }
        T grad = o.sub(o.mul(o.sigmoid(shifted), negatives), o.mul(o.sigmoid(negated), positives));
        return new BlockTerms<>(rowLoss, valid, o.mul(grad, valid));
    }
}
