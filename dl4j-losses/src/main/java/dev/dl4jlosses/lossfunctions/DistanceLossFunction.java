package dev.dl4jlosses.lossfunctions;

import dev.dl4jlosses.core.DistanceEvaluator;
import dev.dl4jlosses.core.DistanceKernel;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * DL4J plumbing of the losses over pairwise Euclidean distances ({@link LossContrastiveMargin},
 * {@link LossTripletMargin}, {@link LossLiftedStructure}).
 *
 * <p>These losses average over the pairs or triplets of the whole batch, as pytorch-metric-learning does, not over
 * anchors. So that DL4J's score ({@code computeScore(..., average=true)}, the sum of the rows divided by B) is that
 * loss, {@code computeScoreArray} gives each row's share of it times B, and {@code computeGradient} is B times the
 * gradient of the loss (DL4J divides gradients by the minibatch size). The memory settings of the base class do not
 * apply: the whole batch is one block.
 */
public abstract class DistanceLossFunction extends ContrastiveLossFunction {

    @JsonProperty("normalize")
    protected final boolean normalize;

    protected DistanceLossFunction(boolean normalize, long memoryBudgetBytes, int blockRows) {
        super(memoryBudgetBytes, blockRows);
        this.normalize = normalize;
    }

    /** Distances between rows projected onto the unit sphere (true, pytorch-metric-learning's default) or raw rows. */
    public boolean isNormalize() {
        return normalize;
    }

    protected abstract DistanceKernel kernel();

    @Override
    protected Evaluation evaluate(INDArray labels, INDArray output, INDArray exampleMask, boolean withGradient) {
        DistanceEvaluator.Result r = new DistanceEvaluator(kernel(), normalize).evaluate(output, labels, exampleMask, withGradient);
        double rows = output.rows();
        return new Evaluation(r.rowLoss().muli(rows), r.valid(), withGradient ? r.gradient().muli(rows) : null);
    }

    @Override
    public boolean equals(Object o) {
        return super.equals(o) && normalize == ((DistanceLossFunction) o).normalize;
    }

    @Override
    public int hashCode() {
        return super.hashCode() * 31 + Boolean.hashCode(normalize);
    }
}
