package dev.dl4jlosses.lossfunctions;

import java.util.Objects;

import dev.dl4jlosses.core.Blocking;
import dev.dl4jlosses.core.Checks;
import dev.dl4jlosses.core.CircleKernel;
import dev.dl4jlosses.core.PairwiseEvaluator;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.jackson.annotation.JsonCreator;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * Circle loss (Sun et al. 2020), pair-label form, on cosine similarities.
 *
 * <p>Anchor loss: {@code softplus( lse_n γα_n(s_n - Δ_n) + lse_p -γα_p(s_p - Δ_p) )} with
 * {@code α_p = [1 + m - s_p]_+}, {@code α_n = [s_n + m]_+} (held constant: no gradient flows through them),
 * {@code Δ_p = 1 - m}, {@code Δ_n = m}. Each pair is re-weighted by how far it is from its optimum, so the loss
 * converges to a circle in the {@code (s_n, s_p)} plane. Defaults m = 0.25, γ = 256 (the paper's). With
 * {@code detachWeights(false)} the gradient also flows through α (the plain derivative of the loss value).
 *
 * <pre>{@code
 * .layer(new OutputLayer.Builder(new LossCircle(0.25, 256)).nIn(256).nOut(128).activation(Activation.IDENTITY).build())
 * net.fit(new DataSet(features, classIds));   // classIds: [B, 1]
 * }</pre>
 */
public final class LossCircle extends ContrastiveLossFunction {

    public static final double DEFAULT_MARGIN = 0.25;
    public static final double DEFAULT_GAMMA = 256;

    @JsonProperty("margin")
    private final double margin;
    @JsonProperty("gamma")
    private final double gamma;
    @JsonProperty("detachWeights")
    private final boolean detachWeights;

    /** m = 0.25, γ = 256. */
    public LossCircle() {
        this(DEFAULT_MARGIN, DEFAULT_GAMMA);
    }

    /**
     * @param margin relaxation m in [0, 1)
     * @param gamma  scale γ > 0
     */
    public LossCircle(double margin, double gamma) {
        this(margin, gamma, true, Blocking.DEFAULT_MEMORY_BUDGET, 0);
    }

    @JsonCreator
    private LossCircle(@JsonProperty("margin") double margin, @JsonProperty("gamma") double gamma,
                       @JsonProperty("detachWeights") Boolean detachWeights,
                       @JsonProperty("memoryBudgetBytes") long memoryBudgetBytes, @JsonProperty("blockRows") int blockRows) {
        super(memoryBudgetBytes, blockRows);
        this.margin = Checks.inRange("margin m", margin, 0, 1);
        this.gamma = Checks.positive("gamma", gamma);
        this.detachWeights = detachWeights == null || detachWeights;
    }

    public static Builder builder() {
        return new Builder();
    }

    public double getMargin() {
        return margin;
    }

    public double getGamma() {
        return gamma;
    }

    public boolean isDetachWeights() {
        return detachWeights;
    }

    @Override
    protected Evaluation evaluate(INDArray labels, INDArray output, INDArray exampleMask, boolean withGradient) {
        PairwiseEvaluator.Result r = new PairwiseEvaluator(new CircleKernel(margin, gamma, detachWeights), null, true, 1.0, blocking())
                .evaluate(output, labels, exampleMask, withGradient);
        return new Evaluation(r.rowLoss(), r.valid(), r.gradient());
    }

    @Override
    public boolean equals(Object o) {
        return super.equals(o) && margin == ((LossCircle) o).margin && gamma == ((LossCircle) o).gamma
                && detachWeights == ((LossCircle) o).detachWeights;
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), margin, gamma, detachWeights);
    }

    @Override
    public String toString() {
        return "LossCircle(m=" + margin + ", gamma=" + gamma + ", detachWeights=" + detachWeights + ")";
    }

    public static final class Builder extends ContrastiveLossFunction.Builder<LossCircle, Builder> {
        private double margin = DEFAULT_MARGIN;
        private double gamma = DEFAULT_GAMMA;
        private boolean detachWeights = true;

        private Builder() {
        }

        public Builder margin(double margin) {
            this.margin = margin;
            return this;
        }

        public Builder gamma(double gamma) {
            this.gamma = gamma;
            return this;
        }

        /** Hold the weights α constant in the gradient, as the paper does (default true). */
        public Builder detachWeights(boolean detachWeights) {
            this.detachWeights = detachWeights;
            return this;
        }

        @Override
        public LossCircle build() {
            return new LossCircle(margin, gamma, detachWeights, memoryBudgetBytes, blockRows);
        }
    }
}
