package dev.dl4jlosses.examples.eval;

import java.util.function.UnaryOperator;

import dev.dl4jlosses.examples.images.ImageSet;
import dev.dl4jlosses.metrics.RepresentationMetrics;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * How well an encoder's frozen features separate the classes.
 *
 * @param linearProbe accuracy of a softmax regression fitted on the probe's training features, on held-out images
 * @param knnTop1     top-1 accuracy of cosine 1-nearest-neighbour on the same splits
 * @param tolerance   mean cosine similarity of held-out images of the same class (Wang &amp; Liu 2021), on the first
 *                    {@value #TOLERANCE_SAMPLE} held-out images
 */
public record EncoderScores(double linearProbe, double knnTop1, double tolerance) {

    /** The metric compares all pairs ({@code n × n} float64 matrices), so it sees a bounded sample. */
    public static final int TOLERANCE_SAMPLE = 2000;

    /** The raw input as features: each image's pixels as one row (the baseline a trained encoder has to beat). */
    public static INDArray pixels(INDArray images) {
        return images.reshape(images.size(0), -1);
    }

    /** Scores {@code features} (images → {@code [n, d]}) with a labelled fit split and a held-out test split. */
    public static EncoderScores evaluate(UnaryOperator<INDArray> features, ImageSet fit, ImageSet test, int probeEpochs, long seed) {
        INDArray fitFeatures = features.apply(fit.images());
        INDArray testFeatures = features.apply(test.images());
        double probe = new LinearProbe(probeEpochs, seed).accuracy(fitFeatures, fit.labels(), testFeatures, test.labels(), fit.numClasses());
        double knn = NearestNeighbour.top1Accuracy(fitFeatures, fit.labels(), testFeatures, test.labels());
        long sample = Math.min(TOLERANCE_SAMPLE, test.size());
        double tolerance = RepresentationMetrics.tolerance(testFeatures.get(NDArrayIndex.interval(0, sample)),
                test.labels().get(NDArrayIndex.interval(0, sample)));
        return new EncoderScores(probe, knn, tolerance);
    }
}
