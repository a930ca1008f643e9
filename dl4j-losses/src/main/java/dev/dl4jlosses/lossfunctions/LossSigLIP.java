package dev.dl4jlosses.lossfunctions;

import java.util.Objects;

import dev.dl4jlosses.core.Checks;
import dev.dl4jlosses.core.eager.CrossEvaluator;
import dev.dl4jlosses.core.math.SigmoidPairKernel;
import dev.dl4jlosses.options.SameIdPairs;
import org.nd4j.shade.jackson.annotation.JsonProperty;
import org.nd4j.shade.jackson.databind.annotation.JsonDeserialize;

/**
 * SigLIP's sigmoid loss (Zhai et al. 2023) between two towers: preOutput {@code [N, 2d]} = image embedding ‖ text
 * embedding, as {@link LossInfoNCE}; labels {@code [N, 1]} ids: what an off-diagonal pair of equal ids is, a likely
 * false negative, is {@link #getSameIdPairs()} (default {@link SameIdPairs#EXCLUDED}: left out; {@code NEGATIVE}: the
 * paper's -1; {@code POSITIVE}: +1). Distinct ids give the paper's loss whatever the option.
 *
 * <p>Loss: {@code -(1/N) Σ_i Σ_j log σ(z_ij (t·s_ij + b))}, {@code z_ii = +1}, otherwise -1, cosine similarity. Here
 * {@code t} and {@code b} are fixed hyper-parameters (defaults t = 10, b = -10, the paper's initial values; the SameDiff
 * front, {@code SDSigLip}, learns t and b). Anchors are evaluated in row blocks: no softmax couples them, so
 * memory is {@code O(b·N + N·d)} (default working memory {@link #DEFAULT_MEMORY_BUDGET}).
 *
 * <pre>{@code
 * LossSigLIP loss = LossSigLIP.builder().scale(10).bias(-10).sameIdPairs(SameIdPairs.EXCLUDED).build();
 * .layer(new LossLayer.Builder(loss).activation(Activation.IDENTITY).build())
 * // preOutput: [N, 2d] = image | text; labels: [N, 1] pair ids (or any [N, 1] column of distinct ids)
 * }</pre>
 */
@JsonDeserialize(builder = LossSigLIP.Builder.class)
public final class LossSigLIP extends ContrastiveLossFunction {

    public static final double DEFAULT_SCALE = 10;
    public static final double DEFAULT_BIAS = -10;
    /**
     * 256 MiB, a quarter of the other losses' default: no softmax couples SigLIP's rows, so smaller blocks cost
     * little time, and N = 65,536 stays under 2 GB peak RSS (BENCHMARKS.md, "SigLIP at N = 65,536").
     */
    public static final long DEFAULT_MEMORY_BUDGET = 256L << 20;

    @JsonProperty("scale")
    private final double scale;
    @JsonProperty("bias")
    private final double bias;
    @JsonProperty("sameIdPairs")
    private final SameIdPairs sameIdPairs;

    /** t = 10, b = -10. */
    public LossSigLIP() {
        this(builder());
    }

    private LossSigLIP(Builder builder) {
        super(builder);
        this.scale = Checks.positive("scale t", builder.scale);
        this.bias = Checks.finiteNumber("bias b", builder.bias);
        this.sameIdPairs = Objects.requireNonNull(builder.sameIdPairs, "sameIdPairs");
    }

    public static Builder builder() {
        return new Builder();
    }

    public double getScale() {
        return scale;
    }

    public double getBias() {
        return bias;
    }

    /** What off-diagonal image/text pairs of equal ids are (default {@link SameIdPairs#EXCLUDED}). */
    public SameIdPairs getSameIdPairs() {
        return sameIdPairs;
    }

    @Override
    Contract createContract() {
        return new TwoTowerContract(new CrossEvaluator(new SigmoidPairKernel(bias, sameIdPairs), true, scale, false,
                blocking()), name(), "image | text");
    }

    public static final class Builder extends ContrastiveLossFunction.Builder<LossSigLIP, Builder> {
        @JsonProperty("scale")
        private double scale = DEFAULT_SCALE;
        @JsonProperty("bias")
        private double bias = DEFAULT_BIAS;
        @JsonProperty("sameIdPairs")
        private SameIdPairs sameIdPairs = SameIdPairs.EXCLUDED;

        private Builder() {
            memoryBudgetBytes = DEFAULT_MEMORY_BUDGET;
        }

        /** The logit scale t > 0 (default 10). */
        public Builder scale(double scale) {
            this.scale = scale;
            return this;
        }

        /** The logit bias b (default -10). */
        public Builder bias(double bias) {
            this.bias = bias;
            return this;
        }

        /** What off-diagonal pairs of equal ids are: left out (default), -1 or +1; see {@link SameIdPairs}. */
        public Builder sameIdPairs(SameIdPairs sameIdPairs) {
            this.sameIdPairs = sameIdPairs;
            return this;
        }

        @Override
        public LossSigLIP build() {
            return new LossSigLIP(this);
        }
    }
}
