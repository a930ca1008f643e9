package dev.dl4jlosses.lossfunctions;

import java.util.Objects;

import dev.dl4jlosses.core.Blocking;
import dev.dl4jlosses.core.Checks;
import dev.dl4jlosses.core.CrossEvaluator;
import dev.dl4jlosses.core.HardNegatives;
import dev.dl4jlosses.core.MemoryQueue;
import dev.dl4jlosses.core.SoftmaxCrossEntropyKernel;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.jackson.annotation.JsonCreator;
import org.nd4j.shade.jackson.annotation.JsonIgnore;
import org.nd4j.shade.jackson.annotation.JsonProperty;

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
public final class LossInfoNCE extends ContrastiveLossFunction {

    public static final double DEFAULT_TEMPERATURE = 0.07;

    @JsonProperty("temperature")
    private final double temperature;
    @JsonProperty("symmetric")
    private final boolean symmetric;
    @JsonProperty("normalize")
    private final boolean normalize;
    @JsonProperty("hardNegatives")
    private final HardNegatives hardNegatives;
    @JsonProperty("memoryQueueSize")
    private final int memoryQueueSize;
    @JsonIgnore
    private final transient MemoryQueue memoryQueue;

    /** τ = 0.07, cosine similarity, queries-to-keys only. */
    public LossInfoNCE() {
        this(DEFAULT_TEMPERATURE);
    }

    public LossInfoNCE(double temperature) {
        this(temperature, false, true, null, Blocking.DEFAULT_MEMORY_BUDGET, 0, 0);
    }

    @JsonCreator
    private LossInfoNCE(@JsonProperty("temperature") double temperature, @JsonProperty("symmetric") boolean symmetric,
                        @JsonProperty("normalize") boolean normalize,
                        @JsonProperty("hardNegatives") HardNegatives hardNegatives,
                        @JsonProperty("memoryBudgetBytes") long memoryBudgetBytes, @JsonProperty("blockRows") int blockRows,
                        @JsonProperty("memoryQueueSize") int memoryQueueSize) {
        super(memoryBudgetBytes, blockRows);
        this.temperature = Checks.positive("temperature", temperature);
        this.symmetric = symmetric;
        this.normalize = normalize;
        this.hardNegatives = hardNegatives;
        this.memoryQueueSize = memoryQueueSize;
        this.memoryQueue = memoryQueueSize == 0 ? null : new MemoryQueue(memoryQueueSize);
    }

    public static Builder builder() {
        return new Builder();
    }

    public double getTemperature() {
        return temperature;
    }

    public boolean isSymmetric() {
        return symmetric;
    }

    public boolean isNormalize() {
        return normalize;
    }

    /** The negatives each anchor keeps, or null for all. */
    public HardNegatives getHardNegatives() {
        return hardNegatives;
    }

    public int getMemoryQueueSize() {
        return memoryQueueSize;
    }

    @Override
    public MemoryQueue getMemoryQueue() {
        return memoryQueue;
    }

    /** The key half of {@code [N, 2d]}. */
    @Override
    protected INDArray keysToQueue(INDArray output) {
        return PairedHalves.of(output, "LossInfoNCE", "query | key").right();
    }

    @Override
    protected Evaluation evaluate(INDArray labels, INDArray output, INDArray exampleMask, boolean withGradient) {
        PairedHalves towers = PairedHalves.of(output, "LossInfoNCE", "query | key");
        INDArray queries = towers.left();
        INDArray keys = towers.right();
        INDArray ids = labels == null || labels.isEmpty() ? null : labels;
        if (memoryQueue != null && ids == null) {
            throw new IllegalArgumentException("LossInfoNCE with a memory queue needs labels: one id per pair [N, 1] (so that "
                    + "queued keys with a query's id are not its negatives); got none for preOutput " + Checks.shape(output));
        }
        MemoryQueue.Entries queued = memoryQueue == null ? null : memoryQueue.entries();
        INDArray gradient = withGradient ? output.ulike() : null;
        PairedHalves gradientHalves = PairedHalves.into(gradient);
        CrossEvaluator.Result r = new CrossEvaluator(SoftmaxCrossEntropyKernel.INSTANCE, hardNegatives, normalize, 1.0 / temperature,
                symmetric, blocking()).evaluateInto(queries, keys, queued == null ? null : queued.keys(), ids,
                queued == null ? null : queued.ids(), exampleMask, gradientHalves.left(), gradientHalves.right());
        return new Evaluation(r.rowLoss(), r.valid(), gradient);
    }

    @Override
    public boolean equals(Object o) {
        return super.equals(o) && temperature == ((LossInfoNCE) o).temperature
                && symmetric == ((LossInfoNCE) o).symmetric && normalize == ((LossInfoNCE) o).normalize
                && Objects.equals(hardNegatives, ((LossInfoNCE) o).hardNegatives)
                && memoryQueueSize == ((LossInfoNCE) o).memoryQueueSize;
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), temperature, symmetric, normalize, hardNegatives, memoryQueueSize);
    }

    @Override
    public String toString() {
        return "LossInfoNCE(temperature=" + temperature + ", symmetric=" + symmetric + ", normalize=" + normalize
                + (hardNegatives == null ? "" : ", hardNegatives=" + hardNegatives)
                + (memoryQueueSize > 0 ? ", memoryQueueSize=" + memoryQueueSize : "") + ")";
    }

    public static final class Builder extends ContrastiveLossFunction.Builder<LossInfoNCE, Builder> {
        private double temperature = DEFAULT_TEMPERATURE;
        private boolean symmetric;
        private boolean normalize = true;
        private HardNegatives hardNegatives;
        private int memoryQueueSize;

        private Builder() {
        }

        public Builder temperature(double temperature) {
            this.temperature = temperature;
            return this;
        }

        /** Also average in the keys-to-queries direction, as CLIP (default false). */
        public Builder symmetric(boolean symmetric) {
            this.symmetric = symmetric;
            return this;
        }

        /** Cosine similarity (true, default) or raw dot product (false). */
        public Builder normalize(boolean normalize) {
            this.normalize = normalize;
            return this;
        }

        /** Keep only each anchor's hardest negatives, e.g. {@code HardNegatives.topK(64)} (default null: all). */
        public Builder hardNegatives(HardNegatives hardNegatives) {
            this.hardNegatives = hardNegatives;
            return this;
        }

        /**
         * Keep the keys and ids of the last {@code size} training pairs as extra negatives (default 0: none); labels
         * are then required. Each training step enqueues its keys (detached) when the next step begins.
         */
        public Builder memoryQueue(int size) {
            this.memoryQueueSize = size;
            return this;
        }

        @Override
        public LossInfoNCE build() {
            return new LossInfoNCE(temperature, symmetric, normalize, hardNegatives, memoryBudgetBytes, blockRows, memoryQueueSize);
        }
    }
}
