package dev.dl4jlosses.core.math;

import dev.dl4jlosses.core.Checks;

/**
 * Decoupled contrastive learning (Yeh et al. 2022, DCL): NT-Xent without the positive in its denominator,
 * {@code ℓ_i = lse_{n ∈ N(i)} L_in - (1/|P(i)|) Σ_{p ∈ P(i)} w_ip L_ip}, with {@code w = 1} (DCL) or, for DCLW,
 * the von Mises-Fisher weight {@code w_ip = 2 - M · softmax(s/σ)_ip}, the softmax taken over the {@code M} positive
 * pairs {@code (j, q)} of valid anchors in the batch and {@code s = τ · L} the similarity. With two views per id the
 * batch has {@code M = 2N} ordered pairs, each similarity twice, so this is the paper's {@code 2 - N·softmax_i(s_ii'/σ)}.
 *
 * <p>Gradient: {@code ∂ℓ/∂L_in = softmax_N(L_i)_n}; {@code ∂/∂L_k} of the positive terms, with {@code c_k} the weight
 * {@code 1/|P(i)|} of pair k in its anchor's mean, {@code p = softmax(s/σ)} and {@code Q = Σ_j c_j L_j p_j}:
 * {@code -c_k w_k + (M τ/σ) p_k (c_k L_k - Q)}. As in the authors' code the gradient flows through the weights
 * (lightly's implementation detaches them instead).
 *
 * <p>DCLW's weights couple the anchors of the batch, so it {@linkplain #couplesAnchors() is evaluated as one block}.
 */
public final class DecoupledContrastiveKernel implements ContrastiveKernel {

    /** DCL: every positive pair weighs 1. */
    public static final DecoupledContrastiveKernel UNWEIGHTED = new DecoupledContrastiveKernel(0, 0);

    /** σ of the DCLW weight, 0 for DCL. */
    private final double sigma;
    /** The temperature τ: {@code s = τ · L}. */
    private final double temperature;

    private DecoupledContrastiveKernel(double sigma, double temperature) {
        this.sigma = sigma;
        this.temperature = temperature;
    }

    /**
     * DCLW.
     *
     * @param sigma       σ > 0 of the weight (the paper's default 0.5)
     * @param temperature τ > 0 of the logits {@code L = s/τ}, so the weight is taken on the similarities
     */
    public static DecoupledContrastiveKernel weighted(double sigma, double temperature) {
        return new DecoupledContrastiveKernel(Checks.positive("sigma", sigma), Checks.positive("temperature", temperature));
    }

    /** True for DCLW: its weight is a softmax over all positive pairs of the batch. */
    @Override
    public boolean couplesAnchors() {
        return sigma > 0;
    }

    @Override
    public <T> BlockTerms<T> terms(TensorOps<T> o, T logits, T positives, T negatives, boolean withGradient) {
        T valid = ContrastiveKernel.validAnchors(o, positives, negatives);
        T pairWeight = ContrastiveKernel.positivePairWeight(o, positives, valid);
        TensorOps.RowSoftmax<T> overNegatives = o.rowSoftmax(o.maskLogits(logits, negatives));
        T negativeTerm = o.mul(overNegatives.logSumExp(), valid);
        T negativeGrad = o.mulInPlace(o.mul(overNegatives.softmax(), negatives), valid);
        if (sigma == 0) {
            T rowLoss = o.sub(negativeTerm, o.mul(o.rowSum(o.mul(logits, positives)), pairWeight));
            return new BlockTerms<>(rowLoss, valid, withGradient ? o.subInPlace(negativeGrad, o.mul(positives, pairWeight)) : null);
        }
        double ratio = temperature / sigma;                                    // s/σ = ratio · L
        T pairs = o.mul(positives, valid);
        T scaled = o.maskLogits(o.mul(logits, ratio), pairs);
        T shift = o.rowMax(o.columnToRow(o.rowMax(scaled)));                   // the largest s/σ of the batch, [1, 1]
        T shifted = o.mul(o.exp(o.sub(scaled, shift)), pairs);
        // the largest pair contributes e^0 = 1, so the sum is at least 1 unless the batch has no pair (then p = 0)
        T softmax = o.div(shifted, o.max(o.sum(shifted), 1));
        T pairCount = o.sum(pairs);
        T weight = o.rsub(o.mul(softmax, pairCount), 2);
        T rowLoss = o.sub(negativeTerm, o.mul(o.rowSum(o.mul(o.mul(weight, logits), pairs)), pairWeight));
        if (!withGradient) {
            return new BlockTerms<>(rowLoss, valid, null);
        }
        T weightedLogits = o.mul(logits, pairWeight);                          // c_k L_k
        T q = o.sum(o.mul(weightedLogits, softmax));
        T throughWeight = o.mul(o.mul(o.mul(softmax, pairCount), o.sub(weightedLogits, q)), ratio);
        T positiveGrad = o.mul(o.sub(throughWeight, o.mul(weight, pairWeight)), pairs);
        return new BlockTerms<>(rowLoss, valid, o.addInPlace(negativeGrad, positiveGrad));
    }
}
