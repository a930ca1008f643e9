package dev.dl4jlosses.options;

import java.util.Objects;

import dev.dl4jlosses.core.math.NegativeSelection;
import dev.dl4jlosses.core.math.TensorOps;
import org.nd4j.shade.jackson.annotation.JsonCreator;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * Explicit hard-negative sampling (Wang &amp; Liu 2021, "Understanding the Behaviour of Contrastive Loss"): each anchor
 * keeps only its most similar, most informative negatives in the loss; the others contribute neither value nor
 * gradient. The selection is a constant mask: no gradient flows through the choice of negatives.
 *
 * <ul>
 *   <li>{@link #threshold(double) threshold(t)}: negatives with similarity {@code s_in >= t}. An anchor left with no
 *       negative is no longer a valid anchor (its loss is 0).</li>
 *   <li>{@link #topK(int) topK(k)}: the k most similar negatives (all of them when the anchor has fewer).</li>
 *   <li>{@link #topFraction(double) topFraction(f)}: the {@code max(1, ⌈f·n⌉)} most similar of the anchor's n
 *       negatives; {@code f·n} is reduced by a relative 1e-6 first, so that rounding cannot add a negative (10% of
 *       30 negatives is 3).</li>
 * </ul>
 * Negatives whose similarity equals the k-th largest are all kept. Similarities are cosine (or dot products for
 * losses with {@code normalize=false}), before the temperature. Only negatives are truncated; positives are kept
 * (in SupCon they stay in the denominator).
 *
 * <pre>{@code
 * LossSupCon loss = LossSupCon.builder().temperature(0.1).hardNegatives(HardNegatives.topK(64)).build();
 * }</pre>
 */
public final class HardNegatives implements NegativeSelection {

    /** How the negatives are chosen. */
    public enum Rule { THRESHOLD, TOP_K, TOP_FRACTION }

    /** Relative amount by which {@code f·n} is reduced before rounding up, see {@link #topFraction}. */
    private static final double FRACTION_TOLERANCE = 1e-6;

    @JsonProperty("rule")
    private final Rule rule;
    @JsonProperty("value")
    private final double value;

    @JsonCreator
    private HardNegatives(@JsonProperty("rule") Rule rule, @JsonProperty("value") double value) {
        if (rule == null) {
            throw new IllegalArgumentException("hard-negative rule must be one of THRESHOLD, TOP_K, TOP_FRACTION, got null");
        }
        switch (rule) {
            case THRESHOLD -> {
                if (!Double.isFinite(value)) {
                    throw new IllegalArgumentException("hard-negative threshold must be a finite similarity, got " + value);
                }
            }
            case TOP_K -> {
                if (!(value >= 1 && value <= Integer.MAX_VALUE && value == Math.rint(value))) {
                    throw new IllegalArgumentException("hard-negative k must be a whole number >= 1, got " + value);
                }
            }
            case TOP_FRACTION -> {
                if (!(value > 0 && value <= 1)) {
                    throw new IllegalArgumentException("hard-negative fraction must be in (0, 1], got " + value);
                }
            }
        }
        this.rule = rule;
        this.value = value;
    }

    /** Keeps the negatives with similarity {@code >= threshold} (a finite number). */
    public static HardNegatives threshold(double threshold) {
        return new HardNegatives(Rule.THRESHOLD, threshold);
    }

    /** Keeps the {@code k >= 1} most similar negatives of each anchor. */
    public static HardNegatives topK(int k) {
        return new HardNegatives(Rule.TOP_K, k);
    }

    /** Keeps the most similar fraction {@code f ∈ (0, 1]} of each anchor's negatives, at least one. */
    public static HardNegatives topFraction(double fraction) {
        return new HardNegatives(Rule.TOP_FRACTION, fraction);
    }

    public Rule getRule() {
        return rule;
    }

    /** The threshold, k, or fraction, depending on the {@link #getRule() rule}. */
    public double getValue() {
        return value;
    }

    @Override
    public <T> T select(TensorOps<T> o, T similarity, T negatives) {
        if (rule == Rule.THRESHOLD) {
            return o.mul(negatives, o.rsub(o.greaterThan(o.rsub(similarity, value), 0), 1));      // [s >= t] = 1 - [t - s > 0]
        }
        T count = o.rowSum(negatives);
        T k = rule == Rule.TOP_K
                ? o.rsub(o.relu(o.rsub(count, value)), value)                                       // min(k, n)
                : o.max(o.ceil(o.mul(count, value * (1 - FRACTION_TOLERANCE))), 1);               // max(1, ⌈f·n⌉)
        T ranked = o.maskLogits(similarity, negatives);                                             // non-negatives last
        return o.mul(negatives, o.greaterOrEqual(ranked, o.kthLargestPerRow(ranked, k)));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HardNegatives h && rule == h.rule && value == h.value;
    }

    @Override
    public int hashCode() {
        return Objects.hash(rule, value);
    }

    @Override
    public String toString() {
        return switch (rule) {
            case THRESHOLD -> "HardNegatives.threshold(" + value + ")";
            case TOP_K -> "HardNegatives.topK(" + (long) value + ")";
            case TOP_FRACTION -> "HardNegatives.topFraction(" + value + ")";
        };
    }
}
