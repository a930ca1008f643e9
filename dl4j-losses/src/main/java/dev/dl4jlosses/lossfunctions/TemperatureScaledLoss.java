package dev.dl4jlosses.lossfunctions;

import dev.dl4jlosses.core.Checks;
import dev.dl4jlosses.core.math.ContrastiveKernel;
import dev.dl4jlosses.options.HardNegatives;
import dev.dl4jlosses.options.MemoryQueue;
import org.nd4j.shade.jackson.annotation.JsonIgnore;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * A softmax-based loss with logits {@code s_ij / τ} ({@code s} cosine similarity, or dot product with
 * {@code normalize=false}), optionally restricted to each anchor's hardest negatives ({@link HardNegatives}; default:
 * all negatives), over one batch of embeddings whose rows are each other's candidates (unless the loss says
 * otherwise, as InfoNCE's two towers do).
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
    private final transient CrossBatchMemory memory;

    protected TemperatureScaledLoss(Builder<?, ?> builder) {
        super(builder);
        this.temperature = Checks.positive("temperature", builder.temperature);
        this.normalize = builder.normalize;
        this.hardNegatives = builder.hardNegatives;
        this.memoryQueueSize = builder.memoryQueueSize;
        this.memory = memoryQueueSize == 0 ? null : new CrossBatchMemory(memoryQueueSize);
    }

    /** The per-anchor formula, evaluated over the batch's rows (see {@link #createContract}). */
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
    Contract createContract() {
        return new PairwiseContract(kernel(), hardNegatives, normalize, 1.0 / temperature, blocking());
    }

    @Override
    CrossBatchMemory memory() {
        return memory;
    }

    @SuppressWarnings("unchecked")
    public abstract static class Builder<L extends TemperatureScaledLoss, B extends Builder<L, B>>
            extends ContrastiveLossFunction.Builder<L, B> {
        @JsonProperty("temperature")
        double temperature;
        @JsonProperty("normalize")
        boolean normalize = true;
        @JsonProperty("hardNegatives")
        HardNegatives hardNegatives;
        @JsonProperty("memoryQueueSize")
        int memoryQueueSize;

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
         * Keep the embeddings (InfoNCE: the keys) and ids of the last {@code size} training examples as extra
         * negatives (default 0: none); labels are then required. Each training step enqueues its batch (detached)
         * when the next step begins.
         */
        public B memoryQueue(int size) {
            this.memoryQueueSize = size;
            return (B) this;
        }
    }
}
