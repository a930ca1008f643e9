package dev.dl4jlosses.core.math;

import dev.dl4jlosses.core.Checks;

/**
 * Multi-similarity loss (Wang et al. 2019) on similarities {@code s} (logits at scale 1):
 * {@code ℓ_i = (1/α) log(1 + Σ_{p ∈ P(i)} e^{-α(s_ip - λ)}) + (1/β) log(1 + Σ_{n ∈ N(i)} e^{β(s_in - λ)})}, each sum
 * 0 when it has no term. As in pytorch-metric-learning's {@code MultiSimilarityLoss} (mean reducer) the loss is the
 * mean over every anchor with at least one positive or one negative, so an anchor without positives still
 * contributes its negative term.
 *
 * <p>With pair mining (pytorch-metric-learning's {@code MultiSimilarityMiner}, ε = 0.1 there) an anchor keeps only
 * the positives with {@code s_ip - ε < max_n s_in} and the negatives with {@code s_in + ε > min_p s_ip} (decided on
 * the similarities, no gradient through the choice); the mean stays over the anchors that had a pair before mining.
 *
 * <p>Each part is {@code softplus(lse)} of its exponents: gradient
 * {@code ∂ℓ_i/∂s_ip = -σ(lse_P) softmax_P(-α(s - λ))_p}, {@code ∂ℓ_i/∂s_in = σ(lse_N) softmax_N(β(s - λ))_n}.
 */
public final class MultiSimilarityKernel implements ContrastiveKernel {

    private final double alpha;
    private final double beta;
    private final double base;
    private final boolean mining;
    private final double epsilon;

    /**
     * Without mining.
     *
     * @param alpha weight α > 0 of the positive pairs
     * @param beta  weight β > 0 of the negative pairs
     * @param base  the similarity λ the pairs are measured from
     */
    public MultiSimilarityKernel(double alpha, double beta, double base) {
        this(alpha, beta, base, false, 0);
    }

    private MultiSimilarityKernel(double alpha, double beta, double base, boolean mining, double epsilon) {
        this.alpha = Checks.positive("alpha", alpha);
        this.beta = Checks.positive("beta", beta);
        this.base = Checks.finiteNumber("base (λ)", base);
        this.mining = mining;
        this.epsilon = Checks.finiteNumber("mining epsilon", epsilon);
    }

    /** With the multi-similarity miner's pair selection of margin ε. */
    public static MultiSimilarityKernel withMining(double alpha, double beta, double base, double epsilon) {
        return new MultiSimilarityKernel(alpha, beta, base, true, epsilon);
    }

    @Override
    public <T> BlockTerms<T> terms(TensorOps<T> o, T logits, T positives, T negatives, boolean withGradient) {
        T valid = o.greaterThan(o.rowSum(o.add(positives, negatives)), 0);
        if (mining) {
            T hardestNegative = o.rowMax(o.maskLogits(logits, negatives));
            T easiestPositive = o.mul(o.rowMax(o.maskLogits(o.mul(logits, -1), positives)), -1);
            T minedPositives = o.mul(positives, o.rsub(o.greaterOrEqual(o.add(logits, -epsilon), hardestNegative), 1));
            negatives = o.mul(negatives, o.rsub(o.greaterOrEqual(easiestPositive, o.add(logits, epsilon)), 1));
            positives = minedPositives;
        }
        TensorOps.RowSoftmax<T> overPositives = o.rowSoftmax(o.maskLogits(o.mul(o.add(logits, -base), -alpha), positives));
        TensorOps.RowSoftmax<T> overNegatives = o.rowSoftmax(o.maskLogits(o.mul(o.add(logits, -base), beta), negatives));
        // a sum without terms has lse ≈ -MASKED_LOGIT, whose softplus is 0: that part vanishes
        T rowLoss = o.add(o.mul(o.softplus(overPositives.logSumExp()), 1 / alpha), o.mul(o.softplus(overNegatives.logSumExp()), 1 / beta));
        if (!withGradient) {
            return new BlockTerms<>(rowLoss, valid, null);
        }
        T positiveGrad = o.mul(o.mul(overPositives.softmax(), positives), o.mul(o.sigmoid(overPositives.logSumExp()), -1));
        T negativeGrad = o.mul(o.mul(overNegatives.softmax(), negatives), o.sigmoid(overNegatives.logSumExp()));
        return new BlockTerms<>(rowLoss, valid, o.add(positiveGrad, negativeGrad));
    }
}
