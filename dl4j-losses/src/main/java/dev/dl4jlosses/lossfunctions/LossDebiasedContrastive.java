package dev.dl4jlosses.lossfunctions;

import dev.dl4jlosses.core.Checks;
import dev.dl4jlosses.core.math.ContrastiveKernel;
import dev.dl4jlosses.core.math.DebiasedContrastiveKernel;
import org.nd4j.shade.jackson.annotation.JsonProperty;
import org.nd4j.shade.jackson.databind.annotation.JsonDeserialize;

/**
 * Debiased contrastive loss (Chuang et al. 2020) with hard-negative weighting, HCL (Robinson et al. 2021): NT-Xent
 * whose sum over negatives is replaced by an estimate of the sum over true negatives, correcting for negatives of
 * the anchor's own (unknown) class with prior τ⁺, and weighting each negative by its hardness.
 *
 * <p>For each positive pair: {@code -log(e^{s⁺/τ} / (e^{s⁺/τ} + N_g))},
 * {@code N_g = max((Σ_k w_k e^{s_k/τ} - τ⁺ n e^{s⁺/τ}) / (1 - τ⁺), n e^{-1/τ})} over the anchor's n negatives, with
 * {@code w_k ∝ e^{β s_k/τ}} of mean 1; the anchor's loss is the mean over its positives. β = 0 is Chuang's debiased
 * loss, β > 0 HCL; τ⁺ = 0 and β = 0 is NT-Xent but for the lower bound. The gradient flows through the weights w, as
 * in Robinson et al.'s code. Defaults τ = 0.5, τ⁺ = 0.1, β = 1 (HCL), cosine similarity. Labels: ids, as for
 * {@link LossNTXent}.
 *
 * <pre>{@code
 * LossDebiasedContrastive hcl = LossDebiasedContrastive.builder().temperature(0.5).tauPlus(0.1).beta(1).build();
 * LossDebiasedContrastive debiased = LossDebiasedContrastive.builder().beta(0).build();
 * .layer(new OutputLayer.Builder(hcl).nIn(256).nOut(128).activation(Activation.IDENTITY).build())
 * }</pre>
 */
@JsonDeserialize(builder = LossDebiasedContrastive.Builder.class)
public final class LossDebiasedContrastive extends TemperatureScaledLoss {

    public static final double DEFAULT_TEMPERATURE = 0.5;
    public static final double DEFAULT_TAU_PLUS = 0.1;
    public static final double DEFAULT_BETA = 1;

    @JsonProperty("tauPlus")
    private final double tauPlus;
    @JsonProperty("beta")
    private final double beta;

    private LossDebiasedContrastive(Builder builder) {
        super(builder);
        this.tauPlus = Checks.inRange("tauPlus (τ⁺)", builder.tauPlus, 0, 1);
        this.beta = Checks.inRange("beta", builder.beta, 0, Double.POSITIVE_INFINITY);
    }

    public static Builder builder() {
        return new Builder();
    }

    public double getTauPlus() {
        return tauPlus;
    }

    public double getBeta() {
        return beta;
    }

    @Override
    protected ContrastiveKernel kernel() {
        return new DebiasedContrastiveKernel(temperature, tauPlus, beta);
    }

    public static final class Builder extends TemperatureScaledLoss.Builder<LossDebiasedContrastive, Builder> {
        @JsonProperty("tauPlus")
        private double tauPlus = DEFAULT_TAU_PLUS;
        @JsonProperty("beta")
        private double beta = DEFAULT_BETA;

        private Builder() {
            super(DEFAULT_TEMPERATURE);
        }

        /** τ⁺ in [0, 1): the prior probability that a negative shares the anchor's class (default 0.1). */
        public Builder tauPlus(double tauPlus) {
            this.tauPlus = tauPlus;
            return this;
        }

        /** β >= 0: how strongly hard negatives are up-weighted (default 1; 0: the debiased loss without weighting). */
        public Builder beta(double beta) {
            this.beta = beta;
            return this;
        }

        @Override
        public LossDebiasedContrastive build() {
            return new LossDebiasedContrastive(this);
        }
    }
}
