package dev.dl4jlosses.lossfunctions;

import java.util.Objects;

import dev.dl4jlosses.core.Blocking;
import dev.dl4jlosses.core.Checks;
import dev.dl4jlosses.core.DistanceKernel;
import dev.dl4jlosses.core.MarginContrastiveKernel;
import org.nd4j.shade.jackson.annotation.JsonCreator;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * The contrastive margin loss (Chopra, Hadsell &amp; LeCun 2005; Hadsell, Chopra &amp; LeCun 2006): positive pairs
 * are pulled to distance 0, negative pairs pushed beyond a margin.
 *
 * <p>With {@code d_ij} the Euclidean distance of the L2-normalised rows, over all ordered pairs {@code i ≠ j}:
 * {@code L = Σ_{(i,j) ∈ P} [d_ij - m_p]_+ / |P_{>0}| + Σ_{(i,j) ∈ N} [m_n - d_ij]_+ / |N_{>0}|}, each part averaged
 * over its non-zero terms. Defaults {@code m_p = 0}, {@code m_n = 1}. This is pytorch-metric-learning's
 * {@code ContrastiveLoss()} with its defaults ({@code LpDistance} on normalised embeddings, {@code AvgNonZeroReducer});
 * the papers square the terms ({@code ½d²}, {@code ½[m - d]_+²}) and average over pairs. {@code normalize(false)}
 * measures distances between the raw rows. See {@link DistanceLossFunction} for how the score is reported.
 *
 * <pre>{@code
 * .layer(new OutputLayer.Builder(new LossContrastiveMargin()).nIn(256).nOut(64).activation(Activation.IDENTITY).build())
 * net.fit(new DataSet(features, classIds));   // classIds: [B, 1]
 * }</pre>
 */
public final class LossContrastiveMargin extends DistanceLossFunction {

    public static final double DEFAULT_POSITIVE_MARGIN = 0;
    public static final double DEFAULT_NEGATIVE_MARGIN = 1;

    @JsonProperty("positiveMargin")
    private final double positiveMargin;
    @JsonProperty("negativeMargin")
    private final double negativeMargin;

    /** {@code m_p = 0}, {@code m_n = 1}, normalised rows. */
    public LossContrastiveMargin() {
        this(DEFAULT_POSITIVE_MARGIN, DEFAULT_NEGATIVE_MARGIN);
    }

    /**
     * @param positiveMargin distance {@code m_p >= 0} below which positive pairs cost nothing
     * @param negativeMargin distance {@code m_n > m_p} beyond which negative pairs cost nothing
     */
    public LossContrastiveMargin(double positiveMargin, double negativeMargin) {
        this(positiveMargin, negativeMargin, true, Blocking.DEFAULT_MEMORY_BUDGET, 0);
    }

    @JsonCreator
    private LossContrastiveMargin(@JsonProperty("positiveMargin") double positiveMargin,
                                  @JsonProperty("negativeMargin") double negativeMargin,
                                  @JsonProperty("normalize") boolean normalize,
                                  @JsonProperty("memoryBudgetBytes") long memoryBudgetBytes,
                                  @JsonProperty("blockRows") int blockRows) {
        super(normalize, memoryBudgetBytes, blockRows);
        Checks.marginPair(positiveMargin, negativeMargin);
        this.positiveMargin = positiveMargin;
        this.negativeMargin = negativeMargin;
    }

    public static Builder builder() {
        return new Builder();
    }

    public double getPositiveMargin() {
        return positiveMargin;
    }

    public double getNegativeMargin() {
        return negativeMargin;
    }

    @Override
    protected DistanceKernel kernel() {
        return new MarginContrastiveKernel(positiveMargin, negativeMargin);
    }

    @Override
    public boolean equals(Object o) {
        return super.equals(o) && positiveMargin == ((LossContrastiveMargin) o).positiveMargin
                && negativeMargin == ((LossContrastiveMargin) o).negativeMargin;
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), positiveMargin, negativeMargin);
    }

    @Override
    public String toString() {
        return "LossContrastiveMargin(m_p=" + positiveMargin + ", m_n=" + negativeMargin + ", normalize=" + normalize + ")";
    }

    public static final class Builder extends ContrastiveLossFunction.Builder<LossContrastiveMargin, Builder> {
        private double positiveMargin = DEFAULT_POSITIVE_MARGIN;
        private double negativeMargin = DEFAULT_NEGATIVE_MARGIN;
        private boolean normalize = true;

        private Builder() {
        }

        public Builder positiveMargin(double margin) {
            this.positiveMargin = margin;
            return this;
        }

        public Builder negativeMargin(double margin) {
            this.negativeMargin = margin;
            return this;
        }

        /** Distances between L2-normalised rows (true, default) or between the raw rows (false). */
        public Builder normalize(boolean normalize) {
            this.normalize = normalize;
            return this;
        }

        @Override
        public LossContrastiveMargin build() {
            return new LossContrastiveMargin(positiveMargin, negativeMargin, normalize, memoryBudgetBytes, blockRows);
        }
    }
}
