package dev.dl4jlosses.core.math;

/**
 * Cross-entropy of a softmax over an anchor's positives and negatives, averaged over its positives:
 * {@code ℓ_i = lse_{k ∈ P(i) ∪ N(i)} L_ik - (1/|P(i)|) Σ_{p ∈ P(i)} L_ip}. This is SupCon's {@code L_out}
 * (Khosla et al. 2020) and, with the key as the single positive, InfoNCE (van den Oord et al. 2018) and the
 * multi-class N-pair loss (Sohn 2016).
 *
 * <p>Gradient: {@code ∂ℓ_i/∂L_ik = softmax(L_i)_k - [k ∈ P(i)] / |P(i)|}.
 */
public final class SoftmaxCrossEntropyKernel implements ContrastiveKernel {

    public static final SoftmaxCrossEntropyKernel INSTANCE = new SoftmaxCrossEntropyKernel();

    private SoftmaxCrossEntropyKernel() {
    }

    /** True: with a single positive the softmax is over it and the negatives. */
    @Override
    public boolean isOnePositiveSoftmax() {
        return true;
    }

    @Override
    public <T> BlockTerms<T> terms(TensorOps<T> o, T logits, T positives, T negatives, boolean withGradient) {
        T positiveCount = o.rowSum(positives);
        T valid = o.mul(o.greaterThan(positiveCount, 0), o.greaterThan(o.rowSum(negatives), 0));
        T pairWeight = o.div(valid, o.max(positiveCount, 1));
        TensorOps.RowSoftmax<T> overCandidates = o.rowSoftmax(o.maskLogits(logits, o.add(positives, negatives)));
        T positiveLogitSum = o.rowSum(o.mul(logits, positives));
        T rowLoss = o.sub(o.mul(overCandidates.logSumExp(), valid), o.mul(positiveLogitSum, pairWeight));
        if (!withGradient) {
            return new BlockTerms<>(rowLoss, valid, null);
        }
        T grad = o.subInPlace(o.mulInPlace(overCandidates.softmax(), valid), o.mul(positives, pairWeight));
        return new BlockTerms<>(rowLoss, valid, grad);
    }
}
