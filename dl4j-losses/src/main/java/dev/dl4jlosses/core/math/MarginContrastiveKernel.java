package dev.dl4jlosses.core.math;

/**
 * The contrastive margin loss (Chopra, Hadsell &amp; LeCun 2005; Hadsell, Chopra &amp; LeCun 2006) as
 * pytorch-metric-learning's {@code ContrastiveLoss} computes it: positive pairs are pulled to within {@code m_p},
 * negative pairs pushed beyond {@code m_n},
 * {@code L = Σ_{(i,j) ∈ P} [d_ij - m_p]_+ / |P_{>0}| + Σ_{(i,j) ∈ N} [m_n - d_ij]_+ / |N_{>0}|}, over all ordered pairs
 * {@code i ≠ j}, each part averaged over its non-zero terms ({@code AvgNonZeroReducer}; a part without any is 0).
 *
 * <p>Gradient: {@code ∂L/∂d_ij = [d_ij > m_p] / |P_{>0}|} for positive pairs and {@code -[d_ij < m_n] / |N_{>0}|}
 * for negative pairs (the counts are held constant, as PyTorch does for the boolean filter).
 */
public final class MarginContrastiveKernel implements DistanceKernel {

    private final double positiveMargin;
    private final double negativeMargin;

    public MarginContrastiveKernel(double positiveMargin, double negativeMargin) {
        this.positiveMargin = positiveMargin;
        this.negativeMargin = negativeMargin;
    }

    @Override
    public <T> Terms<T> terms(TensorOps<T> o, T distance, T positives, T negatives, boolean withGradient) {
        T positiveTerms = o.mul(o.relu(o.add(distance, -positiveMargin)), positives);
        T negativeTerms = o.mul(o.relu(o.rsub(distance, negativeMargin)), negatives);
        T positiveCount = Reduction.AVERAGE_OVER_NON_ZERO.denominator(o, positiveTerms, null);
        T negativeCount = Reduction.AVERAGE_OVER_NON_ZERO.denominator(o, negativeTerms, null);
        T rowLoss = o.add(o.div(o.rowSum(positiveTerms), positiveCount), o.div(o.rowSum(negativeTerms), negativeCount));
        T valid = o.greaterThan(o.rowSum(o.add(positives, negatives)), 0);
        if (!withGradient) {
            return new Terms<>(rowLoss, valid, null);
        }
        T grad = o.sub(o.div(o.greaterThan(positiveTerms, 0), positiveCount), o.div(o.greaterThan(negativeTerms, 0), negativeCount));
        return new Terms<>(rowLoss, valid, grad);
    }
}
