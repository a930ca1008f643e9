package dev.dl4jlosses.core.math;

/**
 * NT-Xent (Chen et al. 2020) generalised to label ids: for each positive pair {@code (i, p)}
 * {@code l_ip = -log(e^{L_ip} / (e^{L_ip} + Σ_{n ∈ N(i)} e^{L_in}))}, and the anchor's loss is the mean over its
 * positives. Written as {@code softplus(lse_i - L_ip)} with {@code lse_i} the log-sum-exp over the negatives, so it
 * stays finite at any temperature.
 *
 * <p>Gradient: {@code ∂/∂L_ip = -σ(lse_i - L_ip) / |P(i)|}; {@code ∂/∂L_in = softmax_N(L_i)_n · Σ_p σ(lse_i - L_ip) / |P(i)|}.
 *
 * <p>Cost: one {@code exp} over the block gives both {@code lse_i} and the softmax over negatives. When every anchor
 * has at most one positive (SimCLR's two views) and the front knows it ({@link TensorOps#knownAtMostOne}), the
 * per-pair terms are evaluated on the {@code [b, 1]} column of positive logits instead of the whole block.
 */
public final class NTXentKernel implements ContrastiveKernel {

    public static final NTXentKernel INSTANCE = new NTXentKernel();

    private NTXentKernel() {
    }

    /** True: NT-Xent is a softmax over the positive and the negatives for every positive pair. */
    @Override
    public boolean isOnePositiveSoftmax() {
        return true;
    }

    @Override
    public <T> BlockTerms<T> terms(TensorOps<T> o, T logits, T positives, T negatives, boolean withGradient) {
        T positiveCount = o.rowSum(positives);
        TensorOps.RowSoftmax<T> overNegatives = o.rowSoftmax(o.maskLogits(logits, negatives));
        // a row without negatives has only masked entries, so its maximum is about -MASKED_LOGIT
        T valid = o.mul(o.greaterThan(positiveCount, 0), o.greaterThan(overNegatives.max(), -TensorOps.MASKED_LOGIT / 2));
        T pairWeight = o.div(valid, o.max(positiveCount, 1));
        T lse = overNegatives.logSumExp();
        if (o.knownAtMostOne(positiveCount)) {
            T margin = o.sub(lse, o.rowSum(o.mul(logits, positives)));          // lse_i - L_ip, [b, 1]
            T rowLoss = o.mul(o.softplus(margin), pairWeight);
            if (!withGradient) {
                return new BlockTerms<>(rowLoss, valid, null);
            }
            T coefficient = o.mul(o.sigmoid(margin), pairWeight);
            T grad = o.mulInPlace(o.subInPlace(overNegatives.softmax(), positives), coefficient);
            return new BlockTerms<>(rowLoss, valid, grad);
        }
        T margin = o.sub(lse, logits);                                           // lse_i - L_ij, [b, C]
        T rowLoss = o.mul(o.rowSum(o.mulInPlace(o.softplus(margin), positives)), pairWeight);
        if (!withGradient) {
            return new BlockTerms<>(rowLoss, valid, null);
        }
        T positiveGrad = o.mulInPlace(o.mulInPlace(o.sigmoid(margin), positives), pairWeight);
        T grad = o.subInPlace(o.mulInPlace(overNegatives.softmax(), o.rowSum(positiveGrad)), positiveGrad);
        return new BlockTerms<>(rowLoss, valid, grad);
    }
}
