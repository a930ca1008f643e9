package dev.dl4jlosses.lossfunctions;

import dev.dl4jlosses.core.eager.CrossEvaluator;
import dev.dl4jlosses.core.math.SoftmaxCrossEntropyKernel;
import org.nd4j.shade.jackson.annotation.JsonProperty;
import org.nd4j.shade.jackson.databind.annotation.JsonDeserialize;

/**
 * The multi-class N-pair loss (Sohn 2016): N pairs (anchor, positive) of N different classes; each anchor must pick
 * its own positive out of all N positives, {@code ℓ_i = log(1 + Σ_{j ≠ i} e^{s(a_i, p_j) - s(a_i, p_i)})}
 * {@code = -log softmax_j(s(a_i, p_j))_i}, and the loss is the mean over anchors. This is InfoNCE at temperature 1,
 * and its formula is computed by the same kernel ({@link SoftmaxCrossEntropyKernel}).
 *
 * <p>{@code preOutput} is {@code [N, 2d]}: anchor i in the first d columns, its positive in the last d (a
 * {@code MergeVertex} of the two). Labels are optional class ids ({@code [N, 1]}): positives of the anchor's class
 * other than its own are left out of its negatives, so a batch may repeat classes. Default: cosine similarity, as
 * pytorch-metric-learning's {@code NPairsLoss()} ({@code DotProductSimilarity} on normalised embeddings, mean over
 * pairs; it picks one pair per class from a labelled batch itself, where here the pairs are given). Sohn uses raw dot
 * products with an L2 penalty on the embeddings: {@code normalize(false)}, and a penalty of your own.
 *
 * <pre>{@code
 * .addVertex("pair", new MergeVertex(), "anchorEmbedding", "positiveEmbedding")
 * .addLayer("loss", new LossLayer.Builder(new LossNPairs()).activation(Activation.IDENTITY).build(), "pair")
 * // or LossNPairs.builder().normalize(false).build()
 * }</pre>
 */
@JsonDeserialize(builder = LossNPairs.Builder.class)
public final class LossNPairs extends ContrastiveLossFunction {

    @JsonProperty("normalize")
    private final boolean normalize;

    /** Cosine similarity. */
    public LossNPairs() {
        this(true);
    }

    /** @param normalize cosine similarity (true) or raw dot products (false) */
    public LossNPairs(boolean normalize) {
        this(builder().normalize(normalize));
    }

    private LossNPairs(Builder builder) {
        super(builder);
        this.normalize = builder.normalize;
    }

    public static Builder builder() {
        return new Builder();
    }

    public boolean isNormalize() {
        return normalize;
    }

    /** Two towers, anchor | positive: InfoNCE at temperature 1. */
    @Override
    Contract createContract() {
        return new TwoTowerContract(new CrossEvaluator(SoftmaxCrossEntropyKernel.INSTANCE, normalize, 1.0, false, blocking()),
                name(), "anchor | positive");
    }

    public static final class Builder extends ContrastiveLossFunction.Builder<LossNPairs, Builder> {
        @JsonProperty("normalize")
        private boolean normalize = true;

        private Builder() {
        }

        /** Cosine similarity (true, default) or raw dot products (false, Sohn's). */
        public Builder normalize(boolean normalize) {
            this.normalize = normalize;
            return this;
        }

        @Override
        public LossNPairs build() {
            return new LossNPairs(this);
        }
    }
}
