package dev.dl4jlosses.core.math;

/**
 * The triplet margin loss (Schroff, Kalenichenko &amp; Philbin 2015) over every valid triplet of the batch, as
 * pytorch-metric-learning's {@code TripletMarginLoss} with {@code triplets_per_anchor="all"}:
 * {@code L = Σ_{(a,p,n)} [d_ap - d_an + m]_+ / |T_{>0}|} over all {@code (a, p, n)} with {@code p ≠ a} of the anchor's
 * class and {@code n} of another class, averaged over the non-zero terms ({@code AvgNonZeroReducer}).
 *
 * <p>Gradient, with {@code H_apn = [d_ap - d_an + m > 0]} on valid triplets: {@code ∂L/∂d_ap = Σ_n H_apn / |T_{>0}|},
 * {@code ∂L/∂d_an = -Σ_p H_apn / |T_{>0}|}.
 *
 * <p>The triplets are materialised as {@code [B, B, B]} arrays, so memory grows as {@code B³} (measured in float32:
 * 45 MB of temporaries at B = 128, 349 MB at B = 256; {@code ClassicLossCost} in the tests);
 * {@link BatchHardTripletKernel} needs {@code O(B²)} (10 MB at B = 256).
 */
public final class TripletMarginKernel implements DistanceKernel {

    private final double margin;

    public TripletMarginKernel(double margin) {
        this.margin = margin;
    }

    @Override
    public <T> Terms<T> terms(TensorOps<T> o, T distance, T positives, T negatives, boolean withGradient) {
        // axis 1 runs over positives p, axis 2 over negatives n: entry (a, p, n). The [B, B, B] arrays dominate the
        // memory, so the margin is added before broadcasting and the indicator of active triplets is made once
        T triplets = o.mul(o.expandDims(positives, 2), o.expandDims(negatives, 1));
        T violation = o.sub(o.expandDims(o.add(distance, margin), 2), o.expandDims(distance, 1));
        T terms = o.mulInPlace(o.relu(violation), triplets);
        T active = o.greaterThan(terms, 0);
        T count = Reduction.AVERAGE_OVER_NON_ZERO.denominator(o, terms, active);
        T rowLoss = o.div(sumOverLastTwoAxes(o, terms), count);
        T valid = ContrastiveKernel.validAnchors(o, positives, negatives);
        if (!withGradient) {
            return new Terms<>(rowLoss, valid, null);
        }
        T grad = o.div(o.sub(o.squeeze(o.sumAlong(active, 2), 2), o.squeeze(o.sumAlong(active, 1), 1)), count);
        return new Terms<>(rowLoss, valid, grad);
    }

    private static <T> T sumOverLastTwoAxes(TensorOps<T> o, T a) {
        return o.squeeze(o.sumAlong(o.sumAlong(a, 2), 1), 2);
    }
}
