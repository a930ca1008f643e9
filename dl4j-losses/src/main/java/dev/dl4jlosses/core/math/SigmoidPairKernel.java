package dev.dl4jlosses.core.math;

import java.util.Objects;

import dev.dl4jlosses.core.Checks;

/**
 * SigLIP's sigmoid loss (Zhai et al. 2023): every (anchor, candidate) pair is a binary classification of its logit
 * plus a bias, {@code ℓ_i = Σ_{p ∈ P(i)} softplus(-(L_ip + b)) + Σ_{n ∈ N(i)} softplus(L_in + b)}, i.e.
 * {@code -Σ_j log σ(z_ij (L_ij + b))} with {@code z = +1} for the positives and -1 for the negatives. No softmax
 * couples the candidates, so blocks of anchors are independent. Valid anchors: those with a positive. Which keys are
 * positives and which negatives when ids are given: {@link QueryKeyMasks} (by default, as every two-tower loss, the
 * keys with the query's id other than its own are neither).
 *
 * <p>Gradient: {@code ∂ℓ_i/∂L_ip = -σ(-(L_ip + b))}, {@code ∂ℓ_i/∂L_in = σ(L_in + b)}; the same sums give
 * {@code ∂ℓ/∂b = Σ_ij ∂ℓ/∂L_ij}.
 */
public final class SigmoidPairKernel implements ContrastiveKernel {

    private final double bias;
    /** null: the default of {@link ContrastiveKernel#queryKeyMasks}. */
    private final QueryKeyMasks masks;

    /** @param bias b, added to every logit (SigLIP initialises it at -10) */
    public SigmoidPairKernel(double bias) {
        this.bias = Checks.finiteNumber("bias", bias);
        this.masks = null;
    }

    public SigmoidPairKernel(double bias, QueryKeyMasks masks) {
        this.bias = Checks.finiteNumber("bias", bias);
        this.masks = Objects.requireNonNull(masks, "masks");
    }

    @Override
    public <T> BlockTerms<T> terms(TensorOps<T> o, T logits, T positives, T negatives, boolean withGradient) {
        return ofBiasedLogits(o, o.add(logits, bias), positives, negatives, withGradient);
    }

    @Override
    public <T> PairMasks<T> queryKeyMasks(TensorOps<T> o, T self, T same) {
        return masks == null ? ContrastiveKernel.super.queryKeyMasks(o, self, same) : masks.masks(o, self, same);
    }

    /**
     * The loss of biased logits {@code L + b}, whatever b is (a constant here, a learnable graph scalar on the
     * SameDiff front); the gradient is with respect to {@code L} (and so to {@code b}).
     */
    public static <T> BlockTerms<T> ofBiasedLogits(TensorOps<T> o, T shifted, T positives, T negatives, boolean withGradient) {
        T valid = o.greaterThan(o.rowSum(positives), 0);
        // With z = +1/-1 on positives/negatives and 0 elsewhere, every pair is softplus(-z(L+b)) and its derivative
        // -z·σ(-z(L+b)): one softplus and one sigmoid over the block instead of one of each per sign.
        T negatedLabels = o.sub(negatives, positives);
        T negatedMargins = o.mul(shifted, negatedLabels);
        T rowLoss = o.mul(o.rowSum(o.mul(o.softplus(negatedMargins), o.add(positives, negatives))), valid);
        if (!withGradient) {
            return new BlockTerms<>(rowLoss, valid, null);
        }
        T grad = o.mul(o.mul(o.sigmoid(negatedMargins), negatedLabels), valid);
        return new BlockTerms<>(rowLoss, valid, grad);
    }
}
