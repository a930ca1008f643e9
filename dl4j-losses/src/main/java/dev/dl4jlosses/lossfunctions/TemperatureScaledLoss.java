package dev.dl4jlosses.lossfunctions;

import java.util.Objects;

import dev.dl4jlosses.core.Checks;
import dev.dl4jlosses.core.ContrastiveKernel;
import dev.dl4jlosses.core.PairwiseEvaluator;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * A softmax-based loss over one batch of embeddings whose rows are each other's candidates, with logits
 * {@code s_ij / τ} ({@code s} cosine similarity, or dot product with {@code normalize=false}).
 */
public abstract class TemperatureScaledLoss extends ContrastiveLossFunction {

    @JsonProperty("temperature")
    protected final double temperature;
    @JsonProperty("normalize")
    protected final boolean normalize;

    protected TemperatureScaledLoss(double temperature, boolean normalize, long memoryBudgetBytes, int blockRows) {
        super(memoryBudgetBytes, blockRows);
        this.temperature = Checks.positive("temperature", temperature);
        this.normalize = normalize;
    }

    protected abstract ContrastiveKernel kernel();

    public double getTemperature() {
        return temperature;
    }

    public boolean isNormalize() {
        return normalize;
    }

    @Override
    protected Evaluation evaluate(INDArray labels, INDArray output, INDArray exampleMask, boolean withGradient) {
        PairwiseEvaluator.Result r = new PairwiseEvaluator(kernel(), null, normalize, 1.0 / temperature, blocking())
                .evaluate(output, labels, exampleMask, withGradient);
        return new Evaluation(r.rowLoss(), r.valid(), r.gradient());
    }

    @Override
    public boolean equals(Object o) {
        return super.equals(o) && temperature == ((TemperatureScaledLoss) o).temperature
                && normalize == ((TemperatureScaledLoss) o).normalize;
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), temperature, normalize);
    }

    @Override
    public String toString() {
        return name() + "(temperature=" + temperature + ", normalize=" + normalize + ")";
    }

    @SuppressWarnings("unchecked")
    public abstract static class Builder<L extends TemperatureScaledLoss, B extends Builder<L, B>>
            extends ContrastiveLossFunction.Builder<L, B> {
        protected double temperature;
        protected boolean normalize = true;

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
    }
}
