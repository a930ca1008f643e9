package dev.dl4jlosses.lossfunctions;

import dev.dl4jlosses.core.Checks;
import dev.dl4jlosses.core.math.ContrastiveKernel;
import dev.dl4jlosses.core.math.DecoupledContrastiveKernel;
import org.nd4j.shade.jackson.annotation.JsonProperty;
import org.nd4j.shade.jackson.databind.annotation.JsonDeserialize;

/**
 * Decoupled contrastive learning, DCL and DCLW (Yeh et al. 2022): NT-Xent with the positive removed from the
 * denominator, which removes the negative-positive coupling that makes NT-Xent need large batches.
 *
 * <p>Anchor loss: {@code -(1/|P(i)|) Σ_{p ∈ P(i)} w_ip s_ip/τ + log Σ_{n: y_n ≠ y_i} e^{s_in/τ}}; DCL has
 * {@code w = 1}, DCLW ({@code weighted(true)}) the von Mises-Fisher weight {@code w = 2 - N·softmax(s_ii'/σ)} over
 * the batch's positive pairs, which gives hard positives (low similarity) more weight; the gradient flows through it,
 * as in the authors' code. Defaults τ = 0.1, σ = 0.5, cosine similarity, all negatives. Labels: ids, as for
 * {@link LossNTXent} (two views of image k share id k). DCLW's weights couple the anchors, so its batch is evaluated in
 * one block whatever the blocking settings ({@code O(B²)} memory).
 *
 * <pre>{@code
 * LossDCL dclw = LossDCL.builder().temperature(0.1).weighted(true).sigma(0.5).build();
 * .layer(new OutputLayer.Builder(dclw).nIn(256).nOut(128).activation(Activation.IDENTITY).build())
 * net.fit(new DataSet(features, ids));   // ids: [2N, 1], image ids 0..N-1 twice
 * }</pre>
 */
@JsonDeserialize(builder = LossDCL.Builder.class)
public final class LossDCL extends TemperatureScaledLoss {

    public static final double DEFAULT_TEMPERATURE = 0.1;
    public static final double DEFAULT_SIGMA = 0.5;

    @JsonProperty("weighted")
    private final boolean weighted;
    @JsonProperty("sigma")
    private final double sigma;

    private LossDCL(Builder builder) {
        super(builder);
        this.weighted = builder.weighted;
        this.sigma = Checks.positive("sigma", builder.sigma);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** True for DCLW. */
    public boolean isWeighted() {
        return weighted;
    }

    public double getSigma() {
        return sigma;
    }

    @Override
    protected ContrastiveKernel kernel() {
        return weighted ? DecoupledContrastiveKernel.weighted(sigma, temperature) : DecoupledContrastiveKernel.UNWEIGHTED;
    }

    public static final class Builder extends TemperatureScaledLoss.Builder<LossDCL, Builder> {
        @JsonProperty("weighted")
        private boolean weighted;
        @JsonProperty("sigma")
        private double sigma = DEFAULT_SIGMA;

        private Builder() {
            super(DEFAULT_TEMPERATURE);
        }

        /** DCLW: weight each positive pair by {@code 2 - N·softmax(s_ii'/σ)} (default false: DCL). */
        public Builder weighted(boolean weighted) {
            this.weighted = weighted;
            return this;
        }

        /** σ > 0 of DCLW's weight (default 0.5; unused by DCL). */
        public Builder sigma(double sigma) {
            this.sigma = sigma;
            return this;
        }

        @Override
        public LossDCL build() {
            return new LossDCL(this);
        }
    }
}
