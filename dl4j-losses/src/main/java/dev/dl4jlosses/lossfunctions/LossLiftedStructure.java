package dev.dl4jlosses.lossfunctions;

import java.util.Objects;

import dev.dl4jlosses.core.Blocking;
import dev.dl4jlosses.core.Checks;
import dev.dl4jlosses.core.DistanceKernel;
import dev.dl4jlosses.core.LiftedStructureKernel;
import org.nd4j.shade.jackson.annotation.JsonCreator;
import org.nd4j.shade.jackson.annotation.JsonProperty;

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
        this(negativeMargin, positiveMargin, true, Blocking.DEFAULT_MEMORY_BUDGET, 0);
    }

    @JsonCreator
    private LossLiftedStructure(@JsonProperty("negativeMargin") double negativeMargin,
                                @JsonProperty("positiveMargin") double positiveMargin,
                                @JsonProperty("normalize") boolean normalize,
                                @JsonProperty("memoryBudgetBytes") long memoryBudgetBytes, @JsonProperty("blockRows") int blockRows) {
        super(normalize, memoryBudgetBytes, blockRows);
        this.negativeMargin = Checks.finiteNumber("negative margin m_n", negativeMargin);
        this.positiveMargin = Checks.finiteNumber("positive margin m_p", positiveMargin);
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

    @Override
    public boolean equals(Object o) {
        return super.equals(o) && negativeMargin == ((LossLiftedStructure) o).negativeMargin
                && positiveMargin == ((LossLiftedStructure) o).positiveMargin;
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), negativeMargin, positiveMargin);
    }

    @Override
    public String toString() {
        return "LossLiftedStructure(m_n=" + negativeMargin + ", m_p=" + positiveMargin + ", normalize=" + normalize + ")";
    }

    public static final class Builder extends ContrastiveLossFunction.Builder<LossLiftedStructure, Builder> {
        private double negativeMargin = DEFAULT_NEGATIVE_MARGIN;
        private double positiveMargin = DEFAULT_POSITIVE_MARGIN;
        private boolean normalize = true;

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

        /** Distances between L2-normalised rows (true, default) or between the raw rows (false). */
        public Builder normalize(boolean normalize) {
            this.normalize = normalize;
            return this;
        }

        @Override
        public LossLiftedStructure build() {
            return new LossLiftedStructure(negativeMargin, positiveMargin, normalize, memoryBudgetBytes, blockRows);
        }
    }
}
