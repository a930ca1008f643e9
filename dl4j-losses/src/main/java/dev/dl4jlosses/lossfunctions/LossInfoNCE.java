package dev.dl4jlosses.lossfunctions;

import dev.dl4jlosses.core.eager.CrossEvaluator;
import dev.dl4jlosses.core.math.ContrastiveKernel;
import dev.dl4jlosses.core.math.SoftmaxCrossEntropyKernel;
import dev.dl4jlosses.options.HardNegatives;
import dev.dl4jlosses.options.MemoryQueue;
import org.nd4j.shade.jackson.annotation.JsonProperty;
import org.nd4j.shade.jackson.databind.annotation.JsonDeserialize;

/**
 * InfoNCE (van den Oord et al. 2018) in its MoCo/CLIP form, with in-batch negatives.
 *
 * <p>{@code preOutput} is {@code [N, 2d]}: query i in the first d columns, its positive key in the last d (what a
 * {@code MergeVertex} of two towers produces). Query i's logits are {@code s(q_i, k_j)/τ} over all keys, and
 * {@code loss_i = -log softmax_i(i)}. With {@code symmetric} the loss is the mean with the keys-to-queries
 * direction (CLIP). Labels are optional ids ({@code [N, 1]}, or null): keys with the query's id, other than its
 * own, are removed from its negatives (false-negative masking); give each pair its own id to disable this.
 * Default τ = 0.07, cosine similarity, not symmetric, all negatives; {@code hardNegatives(h)} keeps in each
 * anchor's denominator only its positive key and the negatives {@link HardNegatives} h keeps for it (in both
 * directions when symmetric).
 *
 * <p>Speed: with cosine similarity and without labels, mask, hard-negative selection or memory queue the loss takes a
 * fast path with three {@code N×d×N} products and a few passes over the similarities; it gives the general path's
 * values to float rounding (BENCHMARKS.md has the timings).
 *
 * <p>Memory queue (MoCo): with {@code memoryQueue(size)} the loss keeps a {@link MemoryQueue} of the keys (and ids)
 * of the last {@code size} training pairs, which join every query's negatives, except those with the query's id (so
 * labels are required: e.g. the index of each image in the data set). Each training step enqueues its keys, detached,
 * when the next step begins; the queue takes part in the queries-to-keys direction only. Save its contents with the
 * model, and restore them after loading it:
 * <pre>{@code
 * LossInfoNCE loss = LossInfoNCE.builder().temperature(0.07).memoryQueue(4096).build();
 * ... net.fit(data) ...
 * ModelSerializer.writeModel(net, file, true);
 * ModelSerializer.addObjectToFile(file, "memoryQueue", loss.getMemoryQueue());
 *
 * ComputationGraph restored = ModelSerializer.restoreComputationGraph(file, true);
 * LossInfoNCE restoredLoss = (LossInfoNCE) ((LossLayer) restored.getLayer("loss").conf().getLayer()).getLossFn();
 * restoredLoss.getMemoryQueue().restore(ModelSerializer.getObjectFromFile(file, "memoryQueue"));
 * }</pre>
 *
 * <pre>{@code
 * ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().graphBuilder()
 *     .addInputs("query", "key")
 *     .addLayer("q", new DenseLayer.Builder().nIn(300).nOut(128).build(), "query")
 *     .addLayer("k", new DenseLayer.Builder().nIn(300).nOut(128).build(), "key")
 *     .addVertex("pair", new MergeVertex(), "q", "k")
 *     .addLayer("loss", new LossLayer.Builder(LossInfoNCE.builder().temperature(0.05).symmetric(true).build())
 *         .activation(Activation.IDENTITY).build(), "pair")
 *     .setOutputs("loss").build();
 * }</pre>
 */
@JsonDeserialize(builder = LossInfoNCE.Builder.class)
public final class LossInfoNCE extends TemperatureScaledLoss {

    public static final double DEFAULT_TEMPERATURE = 0.07;

    @JsonProperty("symmetric")
    private final boolean symmetric;

    /** τ = 0.07, cosine similarity, queries-to-keys only. */
    public LossInfoNCE() {
        this(DEFAULT_TEMPERATURE);
    }

    public LossInfoNCE(double temperature) {
        this(builder().temperature(temperature));
    }

    private LossInfoNCE(Builder builder) {
        super(builder);
        this.symmetric = builder.symmetric;
    }

    public static Builder builder() {
        return new Builder();
    }

    public boolean isSymmetric() {
        return symmetric;
    }

    @Override
    protected ContrastiveKernel kernel() {
        return SoftmaxCrossEntropyKernel.INSTANCE;
    }

    /** Two towers, query | key, each query's positive its own key. */
    @Override
    Contract createContract() {
        return new TwoTowerContract(new CrossEvaluator(kernel(), hardNegatives, normalize, 1.0 / temperature, symmetric,
                blocking()), name(), "query | key");
    }

    public static final class Builder extends TemperatureScaledLoss.Builder<LossInfoNCE, Builder> {
        @JsonProperty("symmetric")
        private boolean symmetric;

        private Builder() {
            super(DEFAULT_TEMPERATURE);
        }

        /** Also average in the keys-to-queries direction, as CLIP (default false). */
        public Builder symmetric(boolean symmetric) {
            this.symmetric = symmetric;
            return this;
        }

        @Override
        public LossInfoNCE build() {
            return new LossInfoNCE(this);
        }
    }
}
