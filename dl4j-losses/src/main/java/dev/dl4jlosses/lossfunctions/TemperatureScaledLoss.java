package dev.dl4jlosses.lossfunctions;

import java.util.Objects;

import dev.dl4jlosses.core.Checks;
import dev.dl4jlosses.core.ContrastiveKernel;
import dev.dl4jlosses.core.HardNegatives;
import dev.dl4jlosses.core.PairwiseEvaluator;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * A softmax-based loss over one batch of embeddings whose rows are each other's candidates, with logits
 * {@code s_ij / τ} ({@code s} cosine similarity, or dot product with {@code normalize=false}), optionally restricted
 * to each anchor's hardest negatives ({@link HardNegatives}; default: all negatives).
 */
public abstract class TemperatureScaledLoss extends ContrastiveLossFunction {

    @JsonProperty("temperature")
    protected final double temperature;
    @JsonProperty("normalize")
    protected final boolean normalize;
    @JsonProperty("hardNegatives")
    protected final HardNegatives hardNegatives;

    protected TemperatureScaledLoss(double temperature, boolean normalize, HardNegatives hardNegatives,
                                    long memoryBudgetBytes, int blockRows) {
        super(memoryBudgetBytes, blockRows);
        this.temperature = Checks.positive("temperature", temperature);
        this.normalize = normalize;
        this.hardNegatives = hardNegatives;
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

    @Override
    protected Evaluation evaluate(INDArray labels, INDArray output, INDArray exampleMask, boolean withGradient) {
        PairwiseEvaluator.Result r = new PairwiseEvaluator(kernel(), hardNegatives, normalize, 1.0 / temperature, blocking())
                .evaluate(output, labels, exampleMask, withGradient);
        return new Evaluation(r.rowLoss(), r.valid(), r.gradient());
    }

    @Override
    public boolean equals(Object o) {
        return super.equals(o) && temperature == ((TemperatureScaledLoss) o).temperature
                && normalize == ((TemperatureScaledLoss) o).normalize
                && Objects.equals(hardNegatives, ((TemperatureScaledLoss) o).hardNegatives);
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), temperature, normalize, hardNegatives);
    }

    @Override
    public String toString() {
        return name() + "(temperature=" + temperature + ", normalize=" + normalize
                + (hardNegatives == null ? "" : ", hardNegatives=" + hardNegatives) + ")";
    }

    @SuppressWarnings("unchecked")
    public abstract static class Builder<L extends TemperatureScaledLoss, B extends Builder<L, B>>
            extends ContrastiveLossFunction.Builder<L, B> {
        protected double temperature;
        protected boolean normalize = true;
        protected HardNegatives hardNegatives;

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
    }
}
