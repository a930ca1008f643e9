package dev.dl4jlosses.lossfunctions;

import dev.dl4jlosses.core.Checks;
import dev.dl4jlosses.core.eager.NceEvaluator;
import dev.dl4jlosses.options.MemoryQueue;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * NCE's layout: {@code preOutput [N, (k+2)·d]} is the anchor, its positive, then its k noise samples; labels
 * {@code [N, k+1]} the natural log of the noise probability of the positive, then of each noise sample (k is read
 * from their width): an {@link NceEvaluator} with k noise samples per anchor.
 */
record NoiseContract(NceEvaluator evaluator) implements Contract {

    @Override
    public Evaluation evaluate(INDArray labels, INDArray output, INDArray keep, MemoryQueue.Entries queued,
                               boolean withGradient) {
        if (labels == null || labels.rank() != 2 || labels.rows() != output.rows() || labels.columns() < 2) {
            throw new IllegalArgumentException("LossNCE needs labels [N, k+1] (log q of the positive, then of each of k >= 1 "
                    + "noise samples) for preOutput " + Checks.shape(output) + ", got " + (labels == null ? "null" : Checks.shape(labels)));
        }
        Checks.finite("labels (log noise probabilities)", labels);
        int k = (int) labels.columns() - 1;
        long width = output.columns();
        if (width % (k + 2) != 0) {
            throw new IllegalArgumentException("LossNCE expects preOutput [N, (k+2)·d] (anchor | positive | k noise samples) with "
                    + "k = " + k + " from labels " + Checks.shape(labels) + ", got shape " + Checks.shape(output));
        }
        long n = output.rows();
        long d = width / (k + 2);
        NceEvaluator.Result r = evaluator.evaluate(columns(output, 0, d), columns(output, d, 2 * d),
                columns(output, 2 * d, width).dup('c').reshape(n * k, d),
                columns(labels, 0, 1), columns(labels, 1, k + 1).dup('c').reshape(1, n * k),
                k, keep, withGradient);
        INDArray gradient = null;
        if (withGradient) {
            gradient = output.ulike();
            columns(gradient, 0, d).assign(r.gradAnchors());
            columns(gradient, d, 2 * d).assign(r.gradPositives());
            columns(gradient, 2 * d, width).assign(r.gradNoise().reshape(n, k * d));
        }
        return new Evaluation(r.rowLoss(), r.valid(), gradient);
    }

    private static INDArray columns(INDArray a, long from, long to) {
        return a.get(NDArrayIndex.all(), NDArrayIndex.interval(from, to));
    }
}
