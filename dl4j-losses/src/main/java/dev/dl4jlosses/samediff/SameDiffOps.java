package dev.dl4jlosses.samediff;

import java.util.List;

import dev.dl4jlosses.core.engine.PairwiseEngine;
import dev.dl4jlosses.core.math.TensorOps;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ops.impl.transforms.custom.TopK;

/**
 * {@link TensorOps} as built-in SameDiff ops: each call adds graph nodes. Batches are evaluated as one block (the
 * batch size of a graph is only known when it runs), so row ranges other than "all rows" are not supported.
 */
final class SameDiffOps implements TensorOps<SDVariable> {

    private final SameDiff sd;
    private final boolean atMostOnePositive;

    SameDiffOps(SameDiff sd) {
        this(sd, false);
    }

    private SameDiffOps(SameDiff sd, boolean atMostOnePositive) {
        this.sd = sd;
        this.atMostOnePositive = atMostOnePositive;
    }

    /**
     * The same ops for a graph whose structure guarantees at most one positive per anchor (two views of distinct
     * images), so kernels may take their cheaper {@code [b, 1]} form although the counts are unknown until it runs.
     */
    SameDiffOps withAtMostOnePositive() {
        return new SameDiffOps(sd, true);
    }

    @Override
    public boolean knownAtMostOne(SDVariable counts) {
        return atMostOnePositive;
    }

    @Override
    public SDVariable add(SDVariable a, SDVariable b) {
        return a.add(b);
    }

    @Override
    public SDVariable sub(SDVariable a, SDVariable b) {
        return a.sub(b);
    }

    @Override
    public SDVariable mul(SDVariable a, SDVariable b) {
        return a.mul(b);
    }

    @Override
    public SDVariable div(SDVariable a, SDVariable b) {
        return a.div(b);
    }

    @Override
    public SDVariable add(SDVariable a, double s) {
        return a.add(s);
    }

    @Override
    public SDVariable mul(SDVariable a, double s) {
        return a.mul(s);
    }

    @Override
    public SDVariable rsub(SDVariable a, double s) {
        return a.rsub(s);
    }

    @Override
    public SDVariable exp(SDVariable a) {
        return sd.math.exp(a);
    }

    @Override
    public SDVariable log(SDVariable a) {
        return sd.math.log(a);
    }

    @Override
    public SDVariable abs(SDVariable a) {
        return sd.math.abs(a);
    }

    @Override
    public SDVariable sqrt(SDVariable a) {
        return sd.math.sqrt(a);
    }

    @Override
    public SDVariable square(SDVariable a) {
        return sd.math.square(a);
    }

    @Override
    public SDVariable relu(SDVariable a) {
        return sd.nn.relu(a, 0);
    }

    @Override
    public SDVariable sigmoid(SDVariable a) {
        return sd.nn.sigmoid(a);
    }

    @Override
    public SDVariable max(SDVariable a, double s) {
        return sd.scalarMax(a, s);
    }

    @Override
    public SDVariable rowSum(SDVariable a) {
        return a.sum(true, 1);
    }

    @Override
    public SDVariable rowMax(SDVariable a) {
        return a.max(true, 1);
    }

    @Override
    public SDVariable sum(SDVariable a) {
        return a.sum();
    }

    @Override
    public SDVariable mmul(SDVariable a, SDVariable b, boolean transposeA, boolean transposeB) {
        return sd.mmul(a, b, transposeA, transposeB, false);
    }

    @Override
    public SDVariable equal(SDVariable a, SDVariable b) {
        return sd.eq(a, b).castTo(a.dataType());
    }

    @Override
    public SDVariable greaterOrEqual(SDVariable a, SDVariable b) {
        return sd.gte(a, b).castTo(a.dataType());
    }

    @Override
    public SDVariable greaterThan(SDVariable a, double s) {
        return sd.gt(a, s).castTo(a.dataType());
    }

    @Override
    public SDVariable rows(SDVariable a, long from, long to) {
        if (from != 0 || to != PairwiseEngine.ALL_ROWS) {
            throw new UnsupportedOperationException("SameDiff graphs evaluate a batch as a single block");
        }
        return a;
    }

    @Override
    public SDVariable concatRows(List<SDVariable> parts) {
        return parts.size() == 1 ? parts.get(0) : sd.concat(0, parts.toArray(new SDVariable[0]));
    }

    @Override
    public SDVariable concatColumns(SDVariable a, SDVariable b) {
        return sd.concat(1, a, b);
    }

    @Override
    public List<SDVariable> splitRows(SDVariable a, SDVariable headLike) {
        SDVariable head = sd.sizeAt(headLike, 0).castTo(DataType.INT);
        SDVariable total = sd.sizeAt(a, 0).castTo(DataType.INT);
        return List.of(sd.gather(a, sd.range(sd.constant(0), head, sd.constant(1), DataType.INT), 0),
                sd.gather(a, sd.range(head, total, sd.constant(1), DataType.INT), 0));
    }

    /** {@code 0, 1, ..., size - 1} as INT. */
    private SDVariable indices(SDVariable size) {
        return sd.range(sd.constant(0), size.castTo(DataType.INT), sd.constant(1), DataType.INT);
    }

    @Override
    public SDVariable columnToRow(SDVariable column) {
        return sd.reshape(column, 1, -1);
    }

    @Override
    public SDVariable zerosLike(SDVariable a) {
        return sd.zerosLike(a);
    }

    @Override
    public SDVariable onesLike(SDVariable a) {
        return sd.onesLike(a);
    }

    @Override
    public SDVariable diagonalMask(SDVariable like, long rowOffset) {
        if (rowOffset != 0) {
            throw new UnsupportedOperationException("SameDiff graphs evaluate a batch as a single block");
        }
        SDVariable rowIndex = sd.reshape(indices(sd.sizeAt(like, 0)), -1, 1).castTo(like.dataType());
        return equal(rowIndex, columnIndices(like));
    }

    @Override
    public SDVariable expandDims(SDVariable a, int axis) {
        return sd.expandDims(a, axis);
    }

    @Override
    public SDVariable sumAlong(SDVariable a, int axis) {
        return a.sum(true, axis);
    }

    @Override
    public SDVariable squeeze(SDVariable a, int axis) {
        return sd.squeeze(a, axis);
    }

    @Override
    public SDVariable ceil(SDVariable a) {
        return sd.math.ceil(a);
    }

    @Override
    public SDVariable sortRowsDescending(SDVariable a) {
        // top_k over all columns is a descending sort. The number of columns is only known when the graph runs, so k is
        // given as the op's second input (which libnd4j's top_k reads instead of its integer argument); the TopK class
        // of M2.1 has no constructor for that, hence the inputs are replaced after construction.
        TopK sort = new TopK(sd, a, 1, true);
        sd.addArgsFor(new SDVariable[] {a, sd.sizeAt(a, 1).castTo(DataType.INT)}, sort);
        return sort.outputVariables()[0];
    }

    @Override
    public SDVariable columnIndices(SDVariable like) {
        return sd.reshape(indices(sd.sizeAt(like, 1)), 1, -1).castTo(like.dataType());
    }
}
