package dev.dl4jlosses.lossfunctions;

import dev.dl4jlosses.core.Checks;
import dev.dl4jlosses.core.math.DistanceKernel;
import dev.dl4jlosses.core.math.LiftedStructureKernel;
import org.nd4j.shade.jackson.annotation.JsonProperty;
import org.nd4j.shade.jackson.databind.annotation.JsonDeserialize;

/**
 * The lifted structured loss (Song, Xiang, Jegelka &amp; Savarese 2016), smooth form: each positive pair is compared
 * with all negatives of both its ends at once, through a log-sum-exp.
 *
 * <p>With {@code d} the Euclidean distance of the L2-normalised rows, for every ordered positive pair {@code (i, j)}:
 * {@code J_ij = log(Σ_{k ∈ N(i)} e^{m_n - d_ik} + Σ_{l ∈ N(j)} e^{m_n - d_jl}) + d_ij - m_p} and
 * {@code L = (1/|P|) Σ_{(i,j) ∈ P} ½ [J_ij]_+²}. Defaults {@code m_n = 1}, {@code m_p = 0}: pytorch-metric-learning's
 * {@code LiftedStructureLoss()} (normalised embeddings, {@code MeanReducer}); the paper's α is {@code m_n}, on
 * unnormalised embeddings ({@code normalize(false)}). See {@link DistanceLossFunction} for how the score is reported.
 *
 * <pre>{@code
 * .layer(new OutputLayer.Builder(new LossLiftedStructure()).nIn(256).nOut(64).activation(Activation.IDENTITY).build())
 * net.fit(new DataSet(features, classIds));   // classIds: [B, 1]
 * }</pre>
 */
@JsonDeserialize(builder = LossLiftedStructure.Builder.class)
public final class LossLiftedStructure extends DistanceLossFunction {

    public static final double DEFAULT_NEGATIVE_MARGIN = 1;
    public static final double DEFAULT_POSITIVE_MARGIN = 0;

    @JsonProperty("negativeMargin")
    private final double negativeMargin;
    @JsonProperty("positiveMargin")
    private final double positiveMargin;

    /** {@code m_n = 1}, {@code m_p = 0}, normalised rows. */
    public LossLiftedStructure() {
        this(DEFAULT_NEGATIVE_MARGIN, DEFAULT_POSITIVE_MARGIN);
    }

    /**
     * @param negativeMargin {@code m_n} (the paper's α)
     * @param positiveMargin {@code m_p}
     */
    public LossLiftedStructure(double negativeMargin, double positiveMargin) {
        this(builder().negativeMargin(negativeMargin).positiveMargin(positiveMargin));
    }

    private LossLiftedStructure(Builder builder) {
        super(builder);
        this.negativeMargin = Checks.finiteNumber("negative margin m_n", builder.negativeMargin);
        this.positiveMargin = Checks.finiteNumber("positive margin m_p", builder.positiveMargin);
    }

    public static Builder builder() {
        return new Builder();
    }

    public double getNegativeMargin() {
        return negativeMargin;
    }

    public double getPositiveMargin() {
        return positiveMargin;
    }

    @Override
    protected DistanceKernel kernel() {
        return new LiftedStructureKernel(positiveMargin, negativeMargin);
    }

    public static final class Builder extends DistanceLossFunction.Builder<LossLiftedStructure, Builder> {
        @JsonProperty("negativeMargin")
        private double negativeMargin = DEFAULT_NEGATIVE_MARGIN;
        @JsonProperty("positiveMargin")
        private double positiveMargin = DEFAULT_POSITIVE_MARGIN;

        private Builder() {
        }

        public Builder negativeMargin(double margin) {
            this.negativeMargin = margin;
            return this;
        }

        public Builder positiveMargin(double margin) {
            this.positiveMargin = margin;
            return this;
        }

        @Override
        public LossLiftedStructure build() {
            return new LossLiftedStructure(this);
        }
    }
}
