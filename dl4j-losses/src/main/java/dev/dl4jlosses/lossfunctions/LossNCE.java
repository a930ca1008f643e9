package dev.dl4jlosses.lossfunctions;

import dev.dl4jlosses.core.Checks;
import dev.dl4jlosses.core.eager.NceEvaluator;
import dev.dl4jlosses.core.engine.NoiseContrastiveEstimation;
import org.nd4j.shade.jackson.annotation.JsonProperty;
import org.nd4j.shade.jackson.databind.annotation.JsonDeserialize;

/**
 * Noise-contrastive estimation (Gutmann &amp; Hyvärinen 2010): a binary logistic classifier between each anchor's
 * positive and k noise samples drawn from a known noise distribution q.
 *
 * <p>With the score {@code f(a, x) = s(a, x)/τ} and {@code G(a, x) = f(a, x) - log(k·q(x))}:
 * {@code ℓ_i = -log σ(G(a_i, x_i⁺)) - Σ_{j=1..k} log(1 - σ(G(a_i, x_ij⁻)))}, the loss is the mean over anchors
 * (see {@link NoiseContrastiveEstimation}). Defaults: τ = 1 on raw dot products, the score of the paper's log-linear
 * models and of word2vec; {@code normalize(true)} uses cosine similarity (then choose τ &lt; 1, the score being bounded).
 *
 * <p>Layout: {@code preOutput} is {@code [N, (k+2)·d]}: the anchor, its positive, then its k noise samples (a
 * {@code MergeVertex} of k + 2 embeddings). Labels are {@code [N, k+1]}: the natural log of the noise probability
 * {@code q} of the positive, then of each noise sample (k is read from their width). For word2vec's negative sampling
 * (no correction, {@code G = f}) give {@code log q = -log k} everywhere.
 *
 * <pre>{@code
 * .addVertex("sample", new MergeVertex(), "anchor", "positive", "noise1", "noise2", "noise3")
 * .addLayer("loss", new LossLayer.Builder(new LossNCE()).activation(Activation.IDENTITY).build(), "sample")
 * // labels [N, 4]: log q(positive), log q(noise1), log q(noise2), log q(noise3)
 * // or LossNCE.builder().temperature(0.1).normalize(true).build()
 * }</pre>
 */
@JsonDeserialize(builder = LossNCE.Builder.class)
public final class LossNCE extends ContrastiveLossFunction {

    public static final double DEFAULT_TEMPERATURE = 1.0;

    @JsonProperty("temperature")
    private final double temperature;
    @JsonProperty("normalize")
    private final boolean normalize;

    /** τ = 1, raw dot products. */
    public LossNCE() {
        this(DEFAULT_TEMPERATURE, false);
    }

    public LossNCE(double temperature, boolean normalize) {
        this(builder().temperature(temperature).normalize(normalize));
    }

    private LossNCE(Builder builder) {
        super(builder);
        this.temperature = Checks.positive("temperature", builder.temperature);
        this.normalize = builder.normalize;
    }

    public static Builder builder() {
        return new Builder();
    }

    public double getTemperature() {
        return temperature;
    }

    public boolean isNormalize() {
        return normalize;
    }

    @Override
    Contract createContract() {
        return new NoiseContract(new NceEvaluator(1 / temperature, normalize));
    }

    public static final class Builder extends ContrastiveLossFunction.Builder<LossNCE, Builder> {
        @JsonProperty("temperature")
        private double temperature = DEFAULT_TEMPERATURE;
        @JsonProperty("normalize")
        private boolean normalize;

        private Builder() {
        }

        /** τ > 0 of the score {@code s/τ} (default 1). */
        public Builder temperature(double temperature) {
            this.temperature = temperature;
            return this;
        }

        /** Cosine similarity (true) or raw dot products (false, default). */
        public Builder normalize(boolean normalize) {
            this.normalize = normalize;
            return this;
        }

        @Override
        public LossNCE build() {
            return new LossNCE(this);
        }
    }
}
