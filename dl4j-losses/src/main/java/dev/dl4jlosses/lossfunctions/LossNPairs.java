package dev.dl4jlosses.lossfunctions;

import dev.dl4jlosses.core.Blocking;
import dev.dl4jlosses.core.CrossEvaluator;
import dev.dl4jlosses.core.SoftmaxCrossEntropyKernel;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.jackson.annotation.JsonCreator;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * The multi-class N-pair loss (Sohn 2016): N pairs (anchor, positive) of N different classes; each anchor must pick
 * its own positive out of all N positives, {@code ℓ_i = log(1 + Σ_{j ≠ i} e^{s(a_i, p_j) - s(a_i, p_i)})}
 * {@code = -log softmax_j(s(a_i, p_j))_i}, and the loss is the mean over anchors. This is InfoNCE at temperature 1,
 * and its formula is computed by the same kernel ({@link SoftmaxCrossEntropyKernel}).
 *
 * <p>{@code preOutput} is {@code [N, 2d]}: anchor i in the first d columns, its positive in the last d (a
 * {@code MergeVertex} of the two). Labels are optional class ids ({@code [N, 1]}): positives of the anchor's class
 * other than its own are left out of its negatives, so a batch may repeat classes. Default: cosine similarity, as
 * pytorch-metric-learning's {@code NPairsLoss()} ({@code DotProductSimilarity} on normalised embeddings, mean over
 * pairs; it picks one pair per class from a labelled batch itself, where here the pairs are given). Sohn uses raw dot
 * products with an L2 penalty on the embeddings: {@code normalize(false)}, and a penalty of your own.
 *
 * <pre>{@code
 * .addVertex("pair", new MergeVertex(), "anchorEmbedding", "positiveEmbedding")
 * .addLayer("loss", new LossLayer.Builder(new LossNPairs()).activation(Activation.IDENTITY).build(), "pair")
 * }</pre>
 */
public final class LossNPairs extends ContrastiveLossFunction {

    @JsonProperty("normalize")
    private final boolean normalize;

    /** Cosine similarity. */
    public LossNPairs() {
        this(true);
    }

    /** @param normalize cosine similarity (true) or raw dot products (false) */
    public LossNPairs(boolean normalize) {
        this(normalize, Blocking.DEFAULT_MEMORY_BUDGET, 0);
    }

    @JsonCreator
    private LossNPairs(@JsonProperty("normalize") boolean normalize,
                       @JsonProperty("memoryBudgetBytes") long memoryBudgetBytes, @JsonProperty("blockRows") int blockRows) {
        super(memoryBudgetBytes, blockRows);
        this.normalize = normalize;
    }

    public boolean isNormalize() {
        return normalize;
    }

    @Override
    protected Evaluation evaluate(INDArray labels, INDArray output, INDArray exampleMask, boolean withGradient) {
        PairedHalves pairs = PairedHalves.of(output, "LossNPairs", "anchor | positive");
        INDArray gradient = withGradient ? output.ulike() : null;
        PairedHalves gradientHalves = PairedHalves.into(gradient);
        CrossEvaluator.Result r = new CrossEvaluator(SoftmaxCrossEntropyKernel.INSTANCE, normalize, 1.0, false, blocking())
                .evaluateInto(pairs.left(), pairs.right(), null, labels == null || labels.isEmpty() ? null : labels, null,
                        exampleMask, gradientHalves.left(), gradientHalves.right());
        return new Evaluation(r.rowLoss(), r.valid(), gradient);
    }

    @Override
    public boolean equals(Object o) {
        return super.equals(o) && normalize == ((LossNPairs) o).normalize;
    }

    @Override
    public int hashCode() {
        return super.hashCode() * 31 + Boolean.hashCode(normalize);
    }

    @Override
    public String toString() {
        return "LossNPairs(normalize=" + normalize + ")";
    }
}
