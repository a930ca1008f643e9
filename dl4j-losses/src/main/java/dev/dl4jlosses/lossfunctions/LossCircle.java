package dev.dl4jlosses.lossfunctions;

import dev.dl4jlosses.core.Checks;
import dev.dl4jlosses.core.math.CircleKernel;
import org.nd4j.shade.jackson.annotation.JsonProperty;
import org.nd4j.shade.jackson.databind.annotation.JsonDeserialize;

/**
 * Circle loss (Sun et al. 2020), pair-label form, on cosine similarities.
 *
 * <p>Anchor loss: {@code softplus( lse_n γα_n(s_n - Δ_n) + lse_p -γα_p(s_p - Δ_p) )} with
 * {@code α_p = [1 + m - s_p]_+}, {@code α_n = [s_n + m]_+} (held constant: no gradient flows through them),
 * {@code Δ_p = 1 - m}, {@code Δ_n = m}. Each pair is re-weighted by how far it is from its optimum, so the loss
 * converges to a circle in the {@code (s_n, s_p)} plane. Defaults m = 0.25, γ = 256 (the paper's). With
 * {@code detachWeights(false)} the gradient also flows through α (the plain derivative of the loss value).
 *
 * <pre>{@code
 * .layer(new OutputLayer.Builder(new LossCircle(0.25, 256)).nIn(256).nOut(128).activation(Activation.IDENTITY).build())
 * net.fit(new DataSet(features, classIds));   // classIds: [B, 1]
 * }</pre>
 */
@JsonDeserialize(builder = LossCircle.Builder.class)
public final class LossCircle extends ContrastiveLossFunction {

    public static final double DEFAULT_MARGIN = 0.25;
    public static final double DEFAULT_GAMMA = 256;

    @JsonProperty("margin")
    private final double margin;
    @JsonProperty("gamma")
    private final double gamma;
    @JsonProperty("detachWeights")
    private final boolean detachWeights;

    /** m = 0.25, γ = 256. */
    public LossCircle() {
        this(DEFAULT_MARGIN, DEFAULT_GAMMA);
    }

    /**
     * @param margin relaxation m in [0, 1)
     * @param gamma  scale γ > 0
     */
    public LossCircle(double margin, double gamma) {
        this(builder().margin(margin).gamma(gamma));
    }

    private LossCircle(Builder builder) {
        super(builder);
        this.margin = Checks.inRange("margin m", builder.margin, 0, 1);
        this.gamma = Checks.positive("gamma", builder.gamma);
        this.detachWeights = builder.detachWeights;
    }

    public static Builder builder() {
        return new Builder();
    }

    public double getMargin() {
        return margin;
    }

    public double getGamma() {
        return gamma;
    }

    public boolean isDetachWeights() {
        return detachWeights;
    }

    @Override
    Contract createContract() {
        return new PairwiseContract(new CircleKernel(margin, gamma, detachWeights), null, true, 1.0, blocking());
    }

    public static final class Builder extends ContrastiveLossFunction.Builder<LossCircle, Builder> {
        @JsonProperty("margin")
        private double margin = DEFAULT_MARGIN;
        @JsonProperty("gamma")
        private double gamma = DEFAULT_GAMMA;
        @JsonProperty("detachWeights")
        private boolean detachWeights = true;

        private Builder() {
        }

        public Builder margin(double margin) {
            this.margin = margin;
            return this;
        }

        public Builder gamma(double gamma) {
            this.gamma = gamma;
            return this;
        }

        /** Hold the weights α constant in the gradient, as the paper does (default true). */
        public Builder detachWeights(boolean detachWeights) {
            this.detachWeights = detachWeights;
            return this;
        }

        @Override
        public LossCircle build() {
            return new LossCircle(this);
        }
    }
}
