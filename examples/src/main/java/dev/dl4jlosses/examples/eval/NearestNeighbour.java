package dev.dl4jlosses.examples.eval;

import dev.dl4jlosses.core.eager.NDArrayOps;
import dev.dl4jlosses.core.math.RowNormalization;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.factory.ops.NDBase;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** k-NN evaluation with k = 1: each test sample takes the label of its most cosine-similar training sample. */
public final class NearestNeighbour {

    /** Test rows compared at once, so the similarity block stays small ({@code rows × train}). */
    private static final int ROWS = 512;

    private NearestNeighbour() {
    }

    public static double top1Accuracy(INDArray trainFeatures, INDArray trainLabels, INDArray testFeatures, INDArray testLabels) {
        INDArray train = unitRows(trainFeatures);
        INDArray test = unitRows(testFeatures);
        INDArray trainIds = trainLabels.reshape(trainLabels.length());
        long n = test.size(0);
        INDArray predicted = Nd4j.create(trainIds.dataType(), n);
        for (long from = 0; from < n; from += ROWS) {
            long to = Math.min(n, from + ROWS);
            INDArray nearest = test.get(NDArrayIndex.interval(from, to)).mmul(train.transpose()).argMax(1);
            predicted.get(NDArrayIndex.interval(from, to)).assign(new NDBase().gather(trainIds, nearest, 0));
        }
        return LinearProbe.accuracy(predicted, testLabels);
    }

    /** Rows scaled to unit length (the library's normalisation; a zero row stays zero). */
    static INDArray unitRows(INDArray x) {
        return RowNormalization.normalize(NDArrayOps.INSTANCE, x.castTo(DataType.FLOAT)).unit();
    }
}
