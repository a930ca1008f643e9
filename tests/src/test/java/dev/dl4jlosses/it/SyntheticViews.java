package dev.dl4jlosses.it;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Generated data for training tests: {@code classes} random prototypes in {@code dim} dimensions; a sample is a
 * prototype plus noise, and an augmented view adds more noise. Nothing is downloaded.
 */
final class SyntheticViews {

    final INDArray prototypes;
    private final double sampleNoise;
    private final double viewNoise;

    SyntheticViews(long seed, int classes, int dim, double sampleNoise, double viewNoise) {
        Nd4j.getRandom().setSeed(seed);
        this.prototypes = Nd4j.randn(DataType.FLOAT, classes, dim);
        this.sampleNoise = sampleNoise;
        this.viewNoise = viewNoise;
    }

    /** Class ids {@code [n, 1]}, cycling through the classes. */
    INDArray classIds(int n) {
        return Nd4j.arange(n).fmodi(prototypes.rows()).castTo(DataType.FLOAT).reshape(n, 1);
    }

    INDArray samples(INDArray classIds) {
        INDArray rows = prototypes.getRows(classIds.toIntVector());
        return rows.addi(Nd4j.randn(DataType.FLOAT, rows.shape()).muli(sampleNoise));
    }

    INDArray view(INDArray samples) {
        return samples.add(Nd4j.randn(DataType.FLOAT, samples.shape()).muli(viewNoise));
    }

    /** Fraction of rows of {@code query} whose nearest row (cosine) in {@code reference} has the same class. */
    static double nearestNeighbourAccuracy(INDArray query, INDArray queryIds, INDArray reference, INDArray referenceIds) {
        INDArray q = query.div(query.norm2(true, 1));
        INDArray r = reference.div(reference.norm2(true, 1));
        INDArray nearest = q.mmul(r.transpose()).argMax(1);
        INDArray predicted = referenceIds.reshape(referenceIds.length()).get(nearest.castTo(DataType.LONG));
        return predicted.reshape(queryIds.length()).eq(queryIds.reshape(queryIds.length())).castTo(DataType.FLOAT).meanNumber().doubleValue();
    }
}
