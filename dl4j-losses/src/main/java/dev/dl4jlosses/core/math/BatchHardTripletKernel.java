package dev.dl4jlosses.core.math;

/**
 * The batch-hard triplet loss (Hermans, Beyer &amp; Leibe 2017): one triplet per anchor, its farthest positive and
 * its nearest negative, {@code ℓ_a = [max_p d_ap - min_n d_an + m]_+}, averaged over the non-zero terms as
 * pytorch-metric-learning's {@code TripletMarginLoss} with a {@code BatchHardMiner} does
 * ({@code L = Σ_a ℓ_a / |{a : ℓ_a > 0}|}); anchors without a positive or a negative take no part.
 *
 * <p>Gradient: {@code ±1/count} on the chosen positive and negative of each anchor with {@code ℓ_a > 0}; when several
 * candidates tie for the farthest positive (or nearest negative) they share it equally (a subgradient).
 */
public final class BatchHardTripletKernel implements DistanceKernel {

    private final double margin;

    public BatchHardTripletKernel(double margin) {
        this.margin = margin;
    }

    @Override
    public <T> Terms<T> terms(TensorOps<T> o, T distance, T positives, T negatives, boolean withGradient) {
        T valid = ContrastiveKernel.validAnchors(o, positives, negatives);
        T hardestPositive = o.rowMax(o.maskLogits(distance, positives));
        T hardestNegative = o.mul(o.rowMax(o.maskLogits(o.mul(distance, -1), negatives)), -1);
        T terms = o.mul(o.relu(o.add(o.sub(hardestPositive, hardestNegative), margin)), valid);
        T count = Reduction.AVERAGE_OVER_NON_ZERO.denominator(o, terms, null);
        T rowLoss = o.div(terms, count);
        if (!withGradient) {
            return new Terms<>(rowLoss, valid, null);
        }
        T weight = o.div(o.greaterThan(terms, 0), count);
        T positivePick = chosen(o, distance, hardestPositive, positives);
        T negativePick = chosen(o, distance, hardestNegative, negatives);
        return new Terms<>(rowLoss, valid, o.mul(o.sub(positivePick, negativePick), weight));
    }

    /** 1/ties where the candidate in {@code mask} has the chosen distance, else 0. */
    private static <T> T chosen(TensorOps<T> o, T distance, T pickedDistance, T mask) {
        T pick = o.mul(o.equal(distance, pickedDistance), mask);
        return o.div(pick, o.max(o.rowSum(pick), 1));
    }
}
