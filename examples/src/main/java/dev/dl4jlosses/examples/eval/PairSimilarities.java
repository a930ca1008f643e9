package dev.dl4jlosses.examples.eval;

import dev.dl4jlosses.metrics.RepresentationMetrics;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Cosine similarities of positive pairs (the two views of one image) and of negative pairs (views of different
 * images), from the projections of a batch of two views: rows {@code 0..N-1} are view 1, {@code N..2N-1} view 2; with
 * Wang &amp; Isola's alignment (mean squared distance of the normalised positive pairs, lower is better) and
 * uniformity (log mean Gaussian potential over all pairs, lower is more uniform).
 */
public record PairSimilarities(double[] positives, double[] negatives, double alignment, double uniformity) {

    public static PairSimilarities of(INDArray projections) {
        long n = projections.size(0) / 2;
        INDArray z = NearestNeighbour.unitRows(projections);
        INDArray cross = z.get(NDArrayIndex.interval(0, n))
                .mmul(z.get(NDArrayIndex.interval(n, 2 * n)).transpose());
        INDArray positives = cross.mul(Nd4j.eye(n).castTo(cross.dataType())).sum(1);
        // the n² - 1 entries after the first, as (n-1) rows of n+1: the first n of each row are off-diagonal
        INDArray negatives = cross.reshape(n * n).get(NDArrayIndex.interval(1, n * n)).reshape(n - 1, n + 1)
                .get(NDArrayIndex.all(), NDArrayIndex.interval(0, n)).dup().reshape((n - 1) * n);
        INDArray ids = Nd4j.arange(n);
        INDArray twoViewIds = Nd4j.concat(0, ids, ids);
        return new PairSimilarities(positives.toDoubleVector(), negatives.toDoubleVector(),
                RepresentationMetrics.alignment(projections, twoViewIds), RepresentationMetrics.uniformity(projections));
    }

    public double meanPositive() {
        return mean(positives);
    }

    public double meanNegative() {
        return mean(negatives);
    }

    private static double mean(double[] values) {
        return java.util.Arrays.stream(values).average().orElse(Double.NaN);
    }
}
