package dev.dl4jlosses.lossfunctions;

import dev.dl4jlosses.core.math.DistanceKernel;
import dev.dl4jlosses.core.math.Reduction;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * DL4J plumbing of the losses over pairwise Euclidean distances ({@link LossContrastiveMargin},
 * {@link LossTripletMargin}, {@link LossLiftedStructure}).
 *
 * <p>These losses average over the pairs or triplets of the whole batch, as pytorch-metric-learning does, not over
 * anchors (their rows' {@link Reduction} is {@link Reduction#SUM} of shares). So that DL4J's score
 * ({@code computeScore(..., average=true)}, the sum of the rows divided by B) is that loss, {@code computeScoreArray}
 * gives each row's share of it times B, and {@code computeGradient} is B times the gradient of the loss (DL4J divides
 * gradients by the minibatch size). The memory settings of the base class do not apply: the whole batch is one block.
 */
public abstract class DistanceLossFunction extends ContrastiveLossFunction {

    @JsonProperty("normalize")
    protected final boolean normalize;

    protected DistanceLossFunction(Builder<?, ?> builder) {
        super(builder);
        this.normalize = builder.normalize;
    }

    /** Distances between rows projected onto the unit sphere (true, pytorch-metric-learning's default) or raw rows. */
    public boolean isNormalize() {
        return normalize;
    }

    protected abstract DistanceKernel kernel();

    @Override
    Contract createContract() {
        return new DistanceContract(kernel(), normalize);
    }

    @SuppressWarnings("unchecked")
    public abstract static class Builder<L extends DistanceLossFunction, B extends Builder<L, B>>
            extends ContrastiveLossFunction.Builder<L, B> {
        @JsonProperty("normalize")
        boolean normalize = true;

        /** Distances between L2-normalised rows (true, default) or between the raw rows (false). */
        public B normalize(boolean normalize) {
            this.normalize = normalize;
            return (B) this;
        }
    }
}
