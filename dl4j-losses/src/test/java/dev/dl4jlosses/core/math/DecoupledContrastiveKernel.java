package dev.dl4jlosses.core.math;

/**
 * Decoupled contrastive learning (Yeh et al. 2022): NT-Xent without the positive in its denominator,
 * {@code ℓ_i = lse_{n ∈ N(i)} L_in - (1/|P(i)|) Σ_{p ∈ P(i)} L_ip}. Written here, in the tests, as ARCHITECTURE.md's
 * "how to add a loss" says a new softmax-family loss is written: this kernel, {@code LossDecoupledContrastive} for
 * DL4J and one call of the SameDiff front's pairwise node.
 *
 * <p>Gradient: {@code ∂ℓ_i/∂L_in = softmax_N(L_i)_n}, {@code ∂ℓ_i/∂L_ip = -1/|P(i)|}.
 */
public final class DecoupledContrastiveKernel implements ContrastiveKernel {

    public static final DecoupledContrastiveKernel INSTANCE = new DecoupledContrastiveKernel();

    private DecoupledContrastiveKernel() {
    }

    @Override
    public <T> BlockTerms<T> terms(TensorOps<T> o, T logits, T positives, T negatives, boolean withGradient) {
        T valid = ContrastiveKernel.validAnchors(o, positives, negatives);
        T pairWeight = ContrastiveKernel.positivePairWeight(o, positives, valid);
        TensorOps.RowSoftmax<T> overNegatives = o.rowSoftmax(o.maskLogits(logits, negatives));
        T rowLoss = o.sub(o.mul(overNegatives.logSumExp(), valid), o.mul(o.rowSum(o.mul(logits, positives)), pairWeight));
        if (!withGradient) {
            return new BlockTerms<>(rowLoss, valid, null);
        }
        T grad = o.subInPlace(o.mulInPlace(o.mul(overNegatives.softmax(), negatives), valid), o.mul(positives, pairWeight));
        return new BlockTerms<>(rowLoss, valid, grad);
    }
}
