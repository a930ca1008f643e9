package dev.dl4jlosses.lossfunctions;

import dev.dl4jlosses.core.Checks;
import dev.dl4jlosses.core.math.SimpleLossKernel;
import org.nd4j.shade.jackson.annotation.JsonProperty;
import org.nd4j.shade.jackson.databind.annotation.JsonDeserialize;

/**
 * {@code L_simple} (Wang &amp; Liu, CVPR 2021, "Understanding the Behaviour of Contrastive Loss"), the baseline
 * without hardness awareness: every negative is pushed away with the same weight, whatever its similarity.
 *
 * <p>Anchor loss, on cosine similarities: {@code ℓ_i = -(1/|P(i)|) Σ_{p ∈ P(i)} s_ip + λ (1/|N(i)|) Σ_{n ∈ N(i)} s_in},
 * with {@code P(i)} the other rows with the anchor's id and {@code N(i)} the rows with other ids; the mean over valid
 * anchors (at least one positive and one negative), as the other losses. Default λ = 1.
 *
 * <pre>{@code
 * .layer(new OutputLayer.Builder(new LossSimple(1.0)).nIn(256).nOut(128).activation(Activation.IDENTITY).build())
 * net.fit(new DataSet(features, ids));   // ids: [B, 1]
 * }</pre>
 */
@JsonDeserialize(builder = LossSimple.Builder.class)
public final class LossSimple extends ContrastiveLossFunction {

    public static final double DEFAULT_LAMBDA = 1.0;

    @JsonProperty("lambda")
    private final double lambda;

    /** λ = 1. */
    public LossSimple() {
        this(DEFAULT_LAMBDA);
    }

    /** @param lambda weight λ > 0 of the negatives' mean similarity */
    public LossSimple(double lambda) {
        this(builder().lambda(lambda));
    }

    private LossSimple(Builder builder) {
        super(builder);
        this.lambda = Checks.positive("lambda", builder.lambda);
    }

    public static Builder builder() {
        return new Builder();
    }

    public double getLambda() {
        return lambda;
    }

    @Override
    Contract createContract() {
        return new PairwiseContract(new SimpleLossKernel(lambda), null, true, 1.0, blocking());
    }

    public static final class Builder extends ContrastiveLossFunction.Builder<LossSimple, Builder> {
        @JsonProperty("lambda")
        private double lambda = DEFAULT_LAMBDA;

        private Builder() {
        }

        public Builder lambda(double lambda) {
            this.lambda = lambda;
            return this;
        }

        @Override
        public LossSimple build() {
            return new LossSimple(this);
        }
    }
}
