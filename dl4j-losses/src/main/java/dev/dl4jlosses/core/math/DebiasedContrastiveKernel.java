package dev.dl4jlosses.core.math;

import dev.dl4jlosses.core.Checks;

/**
 * The debiased contrastive loss (Chuang et al. 2020) and its hard-negative-weighted form, HCL (Robinson et al. 2021):
 * for each positive pair {@code (i, p)}, {@code ℓ_ip = -log(e^{L_ip} / (e^{L_ip} + N_g))} with the anchor's n negatives
 * {@code N(i)} and
 * {@code N_g = max((Σ_{k ∈ N(i)} w_k e^{L_ik} - τ⁺ n e^{L_ip}) / (1 - τ⁺), n e^{-1/τ})},
 * {@code w_k = n e^{β L_ik} / Σ_{j ∈ N(i)} e^{β L_ij}} (hardness weights of mean 1; β = 0 gives Chuang's loss). An
 * anchor's loss is the mean over its positives (the papers have one, a second view). {@code L = s/τ}, so
 * {@code e^{-1/τ}} is the smallest {@code e^{L}} of a cosine similarity.
 *
 * <p>The weights are differentiated, as in Robinson et al.'s code (which detaches nothing): with
 * {@code q = softmax(β L_i)} over the negatives and {@code S = Σ_k w_k e^{L_ik}}, {@code ∂S/∂L_ik = q_k (n (1 + β)
 * e^{L_ik} - β S)}. Where the lower bound is taken, {@code N_g} is a constant.
 *
 * <p>Written as {@code softplus(log N_g - L_ip)} with every exponential shifted by the row's largest logit, so it
 * neither overflows nor divides by zero at small τ.
 */
public final class DebiasedContrastiveKernel implements ContrastiveKernel {

    private final double temperature;
    private final double positivePrior;
    private final double beta;

    /**
     * @param temperature   τ > 0 of the logits {@code L = s/τ} (the lower bound is {@code n e^{-1/τ}})
     * @param positivePrior τ⁺ in [0, 1): the prior probability that a negative is of the anchor's class
     * @param beta          β >= 0: hardness concentration (0: debiased only)
     */
    public DebiasedContrastiveKernel(double temperature, double positivePrior, double beta) {
        this.temperature = Checks.positive("temperature", temperature);
        this.positivePrior = Checks.inRange("tauPlus (τ⁺)", positivePrior, 0, 1);
        this.beta = Checks.inRange("beta", beta, 0, Double.POSITIVE_INFINITY);
    }

    /** Measured: 70 at B = 4096 (the block workspace held 3.2 GB under a budget sized for 28), with a little room. */
    private static final int BLOCK_ARRAYS = 72;

    @Override
    public int blockArrays() {
        return BLOCK_ARRAYS;
    }

    @Override
    public <T> BlockTerms<T> terms(TensorOps<T> o, T logits, T positives, T negatives, boolean withGradient) {
        T valid = ContrastiveKernel.validAnchors(o, positives, negatives);
        T pairWeight = ContrastiveKernel.positivePairWeight(o, positives, valid);
        T negativeCount = o.rowSum(negatives);
        T shift = o.rowMax(o.maskLogits(logits, o.add(positives, negatives)));
        T shifted = o.exp(o.sub(o.maskLogits(logits, o.add(positives, negatives)), shift));   // e^{L - shift}, 0 elsewhere
        T negativeExp = o.mul(shifted, negatives);
        T hardness = o.mul(o.rowSoftmax(o.maskLogits(o.mul(logits, beta), negatives)).softmax(), negatives);   // q
        T weightedSum = o.mul(o.rowSum(o.mul(hardness, negativeExp)), negativeCount);                          // S e^{-shift}
        // (S - τ⁺ n e^{L_ip}) / (1 - τ⁺), per pair, shifted
        T estimate = o.mul(o.sub(weightedSum, o.mul(o.mul(shifted, negativeCount), positivePrior)), 1 / (1 - positivePrior));
        T logBound = o.sub(o.add(o.log(o.max(negativeCount, 1)), -1 / temperature), shift);                   // log(n e^{-1/τ}) - shift
        T estimatePositive = o.greaterThan(estimate, 0);
        T safeEstimate = o.add(o.mul(estimate, estimatePositive), o.rsub(estimatePositive, 1));
        T logEstimate = o.log(safeEstimate);
        T useEstimate = o.mul(estimatePositive, o.greaterOrEqual(logEstimate, logBound));
        T logNegatives = o.add(o.mul(logEstimate, useEstimate), o.mul(logBound, o.rsub(useEstimate, 1)));
        T margin = o.sub(logNegatives, o.sub(logits, shift));                  // log N_g - L_ip, [b, C]
        T rowLoss = o.mul(o.rowSum(o.mul(o.softplus(margin), positives)), pairWeight);
        if (!withGradient) {
            return new BlockTerms<>(rowLoss, valid, null);
        }
        T pairCoefficient = o.mul(o.mul(o.sigmoid(margin), positives), pairWeight);                            // ∂ℓ/∂ log N_g
        T perEstimate = o.div(o.mul(pairCoefficient, useEstimate), o.mul(safeEstimate, 1 - positivePrior));  // ... / ((1-τ⁺) G)
        T positiveGrad = o.sub(o.mul(o.mul(o.mul(perEstimate, shifted), negativeCount), -positivePrior), pairCoefficient);
        T negativeGrad = o.mul(o.mul(hardness, o.sub(o.mul(o.mul(negativeExp, negativeCount), 1 + beta), o.mul(weightedSum, beta))),
                o.rowSum(perEstimate));
        return new BlockTerms<>(rowLoss, valid, o.add(o.mul(positiveGrad, positives), negativeGrad));
    }
}
