package dev.dl4jlosses.lossfunctions;

import dev.dl4jlosses.core.Checks;
import dev.dl4jlosses.core.math.DistanceKernel;
import dev.dl4jlosses.core.math.MarginContrastiveKernel;
import org.nd4j.shade.jackson.annotation.JsonProperty;
import org.nd4j.shade.jackson.databind.annotation.JsonDeserialize;

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
@JsonDeserialize(builder = LossContrastiveMargin.Builder.class)
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
        this(builder().positiveMargin(positiveMargin).negativeMargin(negativeMargin));
    }

    private LossContrastiveMargin(Builder builder) {
        super(builder);
        Checks.marginPair(builder.positiveMargin, builder.negativeMargin);
        this.positiveMargin = builder.positiveMargin;
        this.negativeMargin = builder.negativeMargin;
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

    public static final class Builder extends DistanceLossFunction.Builder<LossContrastiveMargin, Builder> {
        @JsonProperty("positiveMargin")
        private double positiveMargin = DEFAULT_POSITIVE_MARGIN;
        @JsonProperty("negativeMargin")
        private double negativeMargin = DEFAULT_NEGATIVE_MARGIN;

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

        @Override
        public LossContrastiveMargin build() {
            return new LossContrastiveMargin(this);
        }
    }
}
