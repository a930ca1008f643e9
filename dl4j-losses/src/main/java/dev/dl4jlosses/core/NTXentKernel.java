package dev.dl4jlosses.core;

/**
 * NT-Xent (Chen et al. 2020) generalised to label ids: for each positive pair {@code (i, p)}
 * {@code l_ip = -log(e^{L_ip} / (e^{L_ip} + Σ_{n ∈ N(i)} e^{L_in}))}, and the anchor's loss is the mean over its
 * positives. Written as {@code softplus(lse_i - L_ip)} with {@code lse_i} the log-sum-exp over the negatives, so it
 * stays finite at any temperature.
 *
 * <p>Gradient: {@code ∂/∂L_ip = -σ(lse_i - L_ip) / |P(i)|}; {@code ∂/∂L_in = softmax_N(L_i)_n · Σ_p σ(lse_i - L_ip) / |P(i)|}.
 */
public final class NTXentKernel implements ContrastiveKernel {

    public static final NTXentKernel INSTANCE = new NTXentKernel();

    private NTXentKernel() {
    }

    @Override
    public <T> BlockTerms<T> terms(TensorOps<T> o, T logits, T positives, T negatives, boolean withGradient) {
        T valid = ContrastiveKernel.validAnchors(o, positives, negatives);
        T pairWeight = ContrastiveKernel.positivePairWeight(o, positives, valid);
        T negativeLogits = o.maskLogits(logits, negatives);
        T negativeLse = o.rowLogSumExp(negativeLogits);
        T margin = o.sub(negativeLse, logits);                             // lse_i - L_ij
        T rowLoss = o.mul(o.rowSum(o.mulInPlace(o.softplus(margin), positives)), pairWeight);
        if (!withGradient) {
            return new BlockTerms<>(rowLoss, valid, null);
        }
        T positiveGrad = o.mulInPlace(o.mulInPlace(o.sigmoid(margin), positives), pairWeight);
        T negativeSoftmax = o.softmaxGivenLogSumExp(negativeLogits, negativeLse);
        T grad = o.subInPlace(o.mulInPlace(negativeSoftmax, o.rowSum(positiveGrad)), positiveGrad);
        return new BlockTerms<>(rowLoss, valid, grad);
    }
}
