package dev.dl4jlosses.lossfunctions;

import dev.dl4jlosses.core.Checks;
import dev.dl4jlosses.core.math.MultiSimilarityKernel;
import org.nd4j.shade.jackson.annotation.JsonProperty;
import org.nd4j.shade.jackson.databind.annotation.JsonDeserialize;

/**
 * Multi-similarity loss (Wang et al. 2019), pair-label form, on cosine similarities, as pytorch-metric-learning's
 * {@code MultiSimilarityLoss} (without a miner).
 *
 * <p>Anchor loss: {@code (1/α) log(1 + Σ_{p ∈ P(i)} e^{-α(s_ip - λ)}) + (1/β) log(1 + Σ_{n ∈ N(i)} e^{β(s_in - λ)})}; the
 * loss is the mean over every anchor with a positive or a negative (pytorch-metric-learning's mean reducer: in a
 * batch of more than one id, all anchors). Defaults α = 2, β = 50, λ = 0.5 (pytorch-metric-learning's). With
 * {@code mining(true)} each anchor first keeps only its informative pairs ({@code MultiSimilarityMiner}, ε = 0.1:
 * positives less similar than its most similar negative plus ε, negatives more similar than its least similar
 * positive minus ε).
 *
 * <pre>{@code
 * .layer(new OutputLayer.Builder(new LossMultiSimilarity()).nIn(256).nOut(128).activation(Activation.IDENTITY).build())
 * net.fit(new DataSet(features, classIds));   // classIds: [B, 1]
 * }</pre>
 */
@JsonDeserialize(builder = LossMultiSimilarity.Builder.class)
public final class LossMultiSimilarity extends ContrastiveLossFunction {

    public static final double DEFAULT_ALPHA = 2;
    public static final double DEFAULT_BETA = 50;
    public static final double DEFAULT_BASE = 0.5;
    public static final double DEFAULT_EPSILON = 0.1;

    @JsonProperty("alpha")
    private final double alpha;
    @JsonProperty("beta")
    private final double beta;
    @JsonProperty("base")
    private final double base;
    @JsonProperty("mining")
    private final boolean mining;
    @JsonProperty("epsilon")
    private final double epsilon;

    /** α = 2, β = 50, λ = 0.5. */
    public LossMultiSimilarity() {
        this(builder());
    }

    private LossMultiSimilarity(Builder builder) {
        super(builder);
        this.alpha = Checks.positive("alpha", builder.alpha);
        this.beta = Checks.positive("beta", builder.beta);
        this.base = Checks.finiteNumber("base (λ)", builder.base);
        this.mining = builder.mining;
        this.epsilon = Checks.finiteNumber("epsilon", builder.epsilon);
    }

    public static Builder builder() {
        return new Builder();
    }

    public double getAlpha() {
        return alpha;
    }

    public double getBeta() {
        return beta;
    }

    public double getBase() {
        return base;
    }

    /** Whether pairs are mined as pytorch-metric-learning's {@code MultiSimilarityMiner} does. */
    public boolean isMining() {
        return mining;
    }

    public double getEpsilon() {
        return epsilon;
    }

    @Override
    Contract createContract() {
        return new PairwiseContract(mining ? MultiSimilarityKernel.withMining(alpha, beta, base, epsilon)
                : new MultiSimilarityKernel(alpha, beta, base), null, true, 1.0, blocking());
    }

    public static final class Builder extends ContrastiveLossFunction.Builder<LossMultiSimilarity, Builder> {
        @JsonProperty("alpha")
        private double alpha = DEFAULT_ALPHA;
        @JsonProperty("beta")
        private double beta = DEFAULT_BETA;
        @JsonProperty("base")
        private double base = DEFAULT_BASE;
        @JsonProperty("mining")
        private boolean mining;
        @JsonProperty("epsilon")
        private double epsilon = DEFAULT_EPSILON;

        private Builder() {
        }

        /** α > 0: the weight of the positive pairs (default 2). */
        public Builder alpha(double alpha) {
            this.alpha = alpha;
            return this;
        }

        /** β > 0: the weight of the negative pairs (default 50). */
        public Builder beta(double beta) {
            this.beta = beta;
            return this;
        }

        /** λ: the similarity both kinds of pair are measured from (default 0.5). */
        public Builder base(double base) {
            this.base = base;
            return this;
        }

        /**
         * Mine the pairs first (default false): keep the positives with {@code s_ip - ε < max_n s_in} and the
         * negatives with {@code s_in + ε > min_p s_ip}, as pytorch-metric-learning's {@code MultiSimilarityMiner}.
         */
        public Builder mining(boolean mining) {
            this.mining = mining;
            return this;
        }

        /** ε of the mining (default 0.1). */
        public Builder epsilon(double epsilon) {
            this.epsilon = epsilon;
            return this;
        }

        @Override
        public LossMultiSimilarity build() {
            return new LossMultiSimilarity(this);
        }
    }
}
