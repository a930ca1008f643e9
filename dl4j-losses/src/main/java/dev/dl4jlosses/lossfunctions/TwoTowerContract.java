package dev.dl4jlosses.lossfunctions;

import dev.dl4jlosses.core.Checks;
import dev.dl4jlosses.core.eager.CrossEvaluator;
import dev.dl4jlosses.options.MemoryQueue;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Two towers side by side, {@code preOutput [N, 2d]} (what a MergeVertex of two encoders produces): row i of the left
 * half is query (or anchor) i, row i of the right half its key (or positive); labels are optional ids (InfoNCE,
 * N-pairs): a {@link CrossEvaluator}, which writes the two halves of the gradient in place.
 *
 * @param loss   the loss's name, for messages
 * @param layout what the halves are, e.g. {@code "query | key"}
 */
record TwoTowerContract(CrossEvaluator evaluator, String loss, String layout) implements Contract {

    @Override
    public Evaluation evaluate(INDArray labels, INDArray output, INDArray keep, MemoryQueue.Entries queued,
                               boolean withGradient) {
        INDArray[] towers = halves(output);
        INDArray gradient = withGradient ? output.ulike() : null;
        INDArray[] gradientHalves = gradient == null ? new INDArray[2] : halves(gradient);
        CrossEvaluator.Result r = evaluator.evaluateInto(towers[0], towers[1], queued == null ? null : queued.keys(),
                labels == null || labels.isEmpty() ? null : labels, queued == null ? null : queued.ids(), keep,
                gradientHalves[0], gradientHalves[1]);
        return new Evaluation(r.rowLoss(), r.valid(), gradient);
    }

    @Override
    public boolean takesExtraNegatives() {
        return true;
    }

    /** The keys (the right half). */
    @Override
    public INDArray queuedRows(INDArray output) {
        return halves(output)[1];
    }

    /** The left and right {@code d} columns of {@code [N, 2d]}, as views. */
    private INDArray[] halves(INDArray wide) {
        long width = wide.columns();
        if (width % 2 != 0) {
            throw new IllegalArgumentException(loss + " expects preOutput [N, 2d] (" + layout + "), got an odd number of "
                    + "columns: shape " + Checks.shape(wide));
        }
        return new INDArray[] {wide.get(NDArrayIndex.all(), NDArrayIndex.interval(0, width / 2)),
                wide.get(NDArrayIndex.all(), NDArrayIndex.interval(width / 2, width))};
    }
}
