package dev.dl4jlosses.lossfunctions;

import java.util.Objects;

import dev.dl4jlosses.core.Checks;
import dev.dl4jlosses.core.ContrastiveKernel;
import dev.dl4jlosses.core.HardNegatives;
import dev.dl4jlosses.core.MemoryQueue;
import dev.dl4jlosses.core.PairwiseEvaluator;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.jackson.annotation.JsonIgnore;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * A softmax-based loss over one batch of embeddings whose rows are each other's candidates, with logits
 * {@code s_ij / τ} ({@code s} cosine similarity, or dot product with {@code normalize=false}), optionally restricted
 * to each anchor's hardest negatives ({@link HardNegatives}; default: all negatives).
 *
 * <p>With {@code memoryQueue(size)}, the loss keeps a {@link MemoryQueue} of the embeddings (and ids) of the last
 * {@code size} training examples, which join every anchor's negatives (those with the anchor's id excepted); see
 * {@link ContrastiveLossFunction#getMemoryQueue()}.
 */
public abstract class TemperatureScaledLoss extends ContrastiveLossFunction {

    @JsonProperty("temperature")
    protected final double temperature;
    @JsonProperty("normalize")
    protected final boolean normalize;
    @JsonProperty("hardNegatives")
    protected final HardNegatives hardNegatives;
    @JsonProperty("memoryQueueSize")
    protected final int memoryQueueSize;
    @JsonIgnore
    private final transient MemoryQueue memoryQueue;

    protected TemperatureScaledLoss(double temperature, boolean normalize, HardNegatives hardNegatives,
                                    long memoryBudgetBytes, int blockRows, int memoryQueueSize) {
        super(memoryBudgetBytes, blockRows);
        this.temperature = Checks.positive("temperature", temperature);
        this.normalize = normalize;
        this.hardNegatives = hardNegatives;
        this.memoryQueueSize = memoryQueueSize;
        this.memoryQueue = memoryQueueSize == 0 ? null : new MemoryQueue(memoryQueueSize);
    }

    protected abstract ContrastiveKernel kernel();

    public double getTemperature() {
        return temperature;
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

    @Override
    protected Evaluation evaluate(INDArray labels, INDArray output, INDArray exampleMask, boolean withGradient) {
        MemoryQueue.Entries queued = memoryQueue == null ? null : memoryQueue.entries();
        PairwiseEvaluator.Result r = new PairwiseEvaluator(kernel(), hardNegatives, normalize, 1.0 / temperature, blocking())
                .evaluate(output, labels, exampleMask, queued == null ? null : queued.keys(),
                        queued == null ? null : queued.ids(), withGradient);
        return new Evaluation(r.rowLoss(), r.valid(), r.gradient());
    }

    @Override
    public boolean equals(Object o) {
        return super.equals(o) && temperature == ((TemperatureScaledLoss) o).temperature
                && normalize == ((TemperatureScaledLoss) o).normalize
                && Objects.equals(hardNegatives, ((TemperatureScaledLoss) o).hardNegatives)
                && memoryQueueSize == ((TemperatureScaledLoss) o).memoryQueueSize;
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), temperature, normalize, hardNegatives, memoryQueueSize);
    }

    @Override
    public String toString() {
        return name() + "(temperature=" + temperature + ", normalize=" + normalize
                + (hardNegatives == null ? "" : ", hardNegatives=" + hardNegatives)
                + (memoryQueueSize > 0 ? ", memoryQueueSize=" + memoryQueueSize : "") + ")";
    }

    @SuppressWarnings("unchecked")
    public abstract static class Builder<L extends TemperatureScaledLoss, B extends Builder<L, B>>
            extends ContrastiveLossFunction.Builder<L, B> {
        protected double temperature;
        protected boolean normalize = true;
        protected HardNegatives hardNegatives;
        protected int memoryQueueSize;

        protected Builder(double defaultTemperature) {
            this.temperature = defaultTemperature;
        }

        /** τ > 0: smaller values concentrate the gradient on the hardest negatives. */
        public B temperature(double temperature) {
            this.temperature = temperature;
            return (B) this;
        }

        /** Cosine similarity (true, default) or raw dot product (false). */
        public B normalize(boolean normalize) {
            this.normalize = normalize;
            return (B) this;
        }

        /** Keep only each anchor's hardest negatives, e.g. {@code HardNegatives.topK(64)} (default null: all). */
        public B hardNegatives(HardNegatives hardNegatives) {
            this.hardNegatives = hardNegatives;
            return (B) this;
        }

        /**
         * Keep the embeddings and ids of the last {@code size} training examples as extra negatives (default 0: none).
         * Each training step enqueues its batch (detached) when the next step begins.
         */
        public B memoryQueue(int size) {
            this.memoryQueueSize = size;
            return (B) this;
        }
    }
}
