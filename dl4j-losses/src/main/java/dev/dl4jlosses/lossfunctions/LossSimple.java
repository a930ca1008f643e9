package dev.dl4jlosses.lossfunctions;

import java.util.Objects;

import dev.dl4jlosses.core.Blocking;
import dev.dl4jlosses.core.Checks;
import dev.dl4jlosses.core.PairwiseEvaluator;
import dev.dl4jlosses.core.SimpleLossKernel;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.jackson.annotation.JsonCreator;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * {@code L_simple} (Wang &amp; Liu, CVPR 2021, "Understanding the Behaviour of Contrastive Loss"), the baseline
 * without hardness awareness: every negative is pushed away with the same weight, whatever its similarity.
 *
 * <p>Anchor loss, on cosine similarities: {@code ℓ_i = -(1/|P(i)|) Σ_{p ∈ P(i)} s_ip + λ (1/|N(i)|) Σ_{n ∈ N(i)} s_in},
 * with {@code P(i)} the other rows with the anchor's id and {@code N(i)} the rows with other ids; the mean over valid
 * anchors (at least one positive and one negative), as the other losses. Default λ = 1.
 *
 * <pre>{@code
 * .layer(new OutputLayer.Builder(new LossSimple(1.0)).nIn(256).nOut(128).activation(Activation.IDENTITY).build())
 * net.fit(new DataSet(features, ids));   // ids: [B, 1]
 * }</pre>
 */
public final class LossSimple extends ContrastiveLossFunction {

    public static final double DEFAULT_LAMBDA = 1.0;

    @JsonProperty("lambda")
    private final double lambda;

    /** λ = 1. */
    public LossSimple() {
        this(DEFAULT_LAMBDA);
    }

    /** @param lambda weight λ > 0 of the negatives' mean similarity */
    public LossSimple(double lambda) {
        this(lambda, Blocking.DEFAULT_MEMORY_BUDGET, 0);
    }

    @JsonCreator
    private LossSimple(@JsonProperty("lambda") double lambda,
                       @JsonProperty("memoryBudgetBytes") long memoryBudgetBytes, @JsonProperty("blockRows") int blockRows) {
        super(memoryBudgetBytes, blockRows);
        this.lambda = Checks.positive("lambda", lambda);
    }

    public static Builder builder() {
        return new Builder();
    }

    public double getLambda() {
        return lambda;
    }

    @Override
    protected Evaluation evaluate(INDArray labels, INDArray output, INDArray exampleMask, boolean withGradient) {
        PairwiseEvaluator.Result r = new PairwiseEvaluator(new SimpleLossKernel(lambda), null, true, 1.0, blocking())
                .evaluate(output, labels, exampleMask, withGradient);
        return new Evaluation(r.rowLoss(), r.valid(), r.gradient());
    }

    @Override
    public boolean equals(Object o) {
        return super.equals(o) && lambda == ((LossSimple) o).lambda;
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), lambda);
    }

    @Override
    public String toString() {
        return "LossSimple(lambda=" + lambda + ")";
    }

    public static final class Builder extends ContrastiveLossFunction.Builder<LossSimple, Builder> {
        private double lambda = DEFAULT_LAMBDA;

        private Builder() {
        }

        public Builder lambda(double lambda) {
            this.lambda = lambda;
            return this;
        }

        @Override
        public LossSimple build() {
            return new LossSimple(lambda, memoryBudgetBytes, blockRows);
        }
    }
}
