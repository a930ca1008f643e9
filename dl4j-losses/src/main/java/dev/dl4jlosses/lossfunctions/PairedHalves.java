package dev.dl4jlosses.lossfunctions;

import dev.dl4jlosses.core.Checks;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * A preOutput {@code [N, 2d]} holding two towers side by side (what a MergeVertex of two encoders produces): the
 * left {@code d} columns and the right {@code d} columns, as views.
 */
record PairedHalves(INDArray left, INDArray right) {

    /**
     * @param loss   the loss's class name, for the message
     * @param layout what the halves are, e.g. {@code "query | key"}
     */
    static PairedHalves of(INDArray output, String loss, String layout) {
        long width = output.columns();
        if (width % 2 != 0) {
            throw new IllegalArgumentException(loss + " expects preOutput [N, 2d] (" + layout + "), got an odd number of "
                    + "columns: shape " + Checks.shape(output));
        }
        return split(output);
    }

    /** The halves of {@code gradient} ({@code [N, 2d]}) for an evaluator to write into; two nulls when it is null. */
    static PairedHalves into(INDArray gradient) {
        return gradient == null ? new PairedHalves(null, null) : split(gradient);
    }

    private static PairedHalves split(INDArray wide) {
        long width = wide.columns();
        return new PairedHalves(wide.get(NDArrayIndex.all(), NDArrayIndex.interval(0, width / 2)),
                wide.get(NDArrayIndex.all(), NDArrayIndex.interval(width / 2, width)));
    }
}
