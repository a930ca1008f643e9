package dev.dl4jlosses.metrics;

/**
 * How hard a softmax contrastive loss at temperature τ is on a batch (Wang &amp; Liu 2021): for each anchor i, the
 * weights {@code w_in ∝ exp(s_in/τ)} over its negatives n (the share of the anchor's gradient each negative gets),
 * summarised as means over the anchors that have negatives.
 *
 * @param temperature         τ
 * @param anchors             number of anchors with at least one negative
 * @param meanEntropy         mean of {@code H_i = -Σ_n w_in log w_in}; {@code log n} when all negatives weigh alike
 * @param effectiveNegatives  mean of {@code exp(H_i)}: how many negatives effectively take part (n when uniform, 1
 *                            when one negative gets all the weight)
 * @param top1PercentShare    mean weight on each anchor's {@code max(1, ⌈0.01 n⌉)} most similar negatives
 * @param top10PercentShare   mean weight on each anchor's {@code max(1, ⌈0.1 n⌉)} most similar negatives
 */
public record HardnessProfile(double temperature, long anchors, double meanEntropy, double effectiveNegatives,
                              double top1PercentShare, double top10PercentShare) {

    @Override
    public String toString() {
        return String.format("HardnessProfile(τ=%s, anchors=%d, meanEntropy=%.4f, effectiveNegatives=%.3f, "
                + "top1%%Share=%.4f, top10%%Share=%.4f)", temperature, anchors, meanEntropy, effectiveNegatives,
                top1PercentShare, top10PercentShare);
    }
}
