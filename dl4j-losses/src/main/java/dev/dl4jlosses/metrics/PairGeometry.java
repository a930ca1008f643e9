package dev.dl4jlosses.metrics;

import dev.dl4jlosses.core.Checks;
import dev.dl4jlosses.core.eager.NDArrayOps;
import dev.dl4jlosses.core.math.PairMasks;
import dev.dl4jlosses.core.math.RowNormalization;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The pairs of one batch of L2-normalised embeddings, in float64: cosine similarities and the 0/1 masks of positive
 * pairs (same label, distinct rows), negative pairs (different labels) and distinct pairs.
 */
record PairGeometry(INDArray similarity, INDArray positives, INDArray negatives, INDArray distinct) {

    /**
     * @param embeddings {@code [B, d]}, B >= 2
     * @param labels     one integer label per row, or null when only {@link #distinct} pairs are needed
     */
    static PairGeometry of(INDArray embeddings, INDArray labels) {
        Checks.matrix("embeddings", embeddings);
        if (embeddings.rows() < 2) {
            throw new IllegalArgumentException("embeddings must have at least 2 rows to form pairs, got shape "
                    + Checks.shape(embeddings));
        }
        INDArray ids = Checks.perRowColumn("labels", labels, "embeddings", embeddings);
        NDArrayOps o = NDArrayOps.INSTANCE;
        INDArray unit = RowNormalization.normalize(o, embeddings.castTo(DataType.DOUBLE)).unit();
        INDArray similarity = unit.mmul(unit.transpose());
        INDArray self = o.diagonalMask(similarity, 0);
        INDArray distinct = o.rsub(self, 1);
        if (ids == null) {
            return new PairGeometry(similarity, null, null, distinct);
        }
        INDArray idColumn = ids.castTo(DataType.DOUBLE);
        PairMasks<INDArray> masks = PairMasks.fromIds(o, idColumn, o.columnToRow(idColumn), self, null, null);
        return new PairGeometry(similarity, masks.positives(), masks.negatives(), distinct);
    }

    /** {@code ||u_i - u_j||² = 2 - 2 s_ij}, clipped at 0 against rounding. */
    INDArray squaredDistance() {
        return NDArrayOps.INSTANCE.relu(similarity.mul(-2).addi(2));
    }

    /** Mean of {@code values} over the pairs in {@code mask}; fails naming {@code what} when there is none. */
    static double meanOver(INDArray values, INDArray mask, String what) {
        double count = mask.sumNumber().doubleValue();
        if (count == 0) {
            throw new IllegalArgumentException("no " + what + " in the batch of " + mask.rows() + " rows (pair matrix "
                    + Checks.shape(mask) + ")");
        }
        return values.mul(mask).sumNumber().doubleValue() / count;
    }
}
