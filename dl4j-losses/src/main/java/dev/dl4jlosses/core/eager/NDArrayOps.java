package dev.dl4jlosses.core.eager;

import java.util.List;

import dev.dl4jlosses.core.math.TensorOps;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.impl.transforms.custom.GreaterThanOrEqual;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/** {@link TensorOps} evaluated eagerly on {@code INDArray}s; the in-place variants really work in place. */
public final class NDArrayOps implements TensorOps<INDArray> {

    public static final NDArrayOps INSTANCE = new NDArrayOps();

    private NDArrayOps() {
    }

    @Override
    public INDArray add(INDArray a, INDArray b) {
        return a.add(b);
    }

    @Override
    public INDArray sub(INDArray a, INDArray b) {
        return a.sub(b);
    }

    @Override
    public INDArray mul(INDArray a, INDArray b) {
        return a.mul(b);
    }

    @Override
    public INDArray div(INDArray a, INDArray b) {
        return a.div(b);
    }

    @Override
    public INDArray add(INDArray a, double s) {
        return a.add(s);
    }

    @Override
    public INDArray mul(INDArray a, double s) {
        return a.mul(s);
    }

    @Override
    public INDArray rsub(INDArray a, double s) {
        return a.rsub(s);
    }

    @Override
    public INDArray exp(INDArray a) {
        return Transforms.exp(a, true);
    }

    @Override
    public INDArray log(INDArray a) {
        return Transforms.log(a, true);
    }

    @Override
    public INDArray abs(INDArray a) {
        return Transforms.abs(a, true);
    }

    @Override
    public INDArray sqrt(INDArray a) {
        return Transforms.sqrt(a, true);
    }

    @Override
    public INDArray square(INDArray a) {
        return a.mul(a);
    }

    @Override
    public INDArray relu(INDArray a) {
        return Transforms.relu(a, true);
    }

    @Override
    public INDArray sigmoid(INDArray a) {
        return Transforms.sigmoid(a, true);
    }

    @Override
    public INDArray max(INDArray a, double s) {
        return Transforms.max(a, s, true);
    }

    @Override
    public INDArray rowSum(INDArray a) {
        return a.sum(true, 1);
    }

    @Override
    public INDArray rowMax(INDArray a) {
        return a.max(true, 1);
    }

    @Override
    public INDArray sum(INDArray a) {
        return a.sum();
    }

    @Override
    public INDArray mmul(INDArray a, INDArray b, boolean transposeA, boolean transposeB) {
        // into an array of our own: ND4J M2.1's allocating gemm takes twice as long (measured at 1024×1024×128)
        INDArray product = Nd4j.createUninitialized(a.dataType(), transposeA ? a.columns() : a.rows(),
                transposeB ? b.rows() : b.columns());
        return Nd4j.gemm(a, b, product, transposeA, transposeB, 1.0, 0.0);
    }

    @Override
    public INDArray equal(INDArray a, INDArray b) {
        return a.eq(b).castTo(a.dataType());
    }

    @Override
    public INDArray greaterOrEqual(INDArray a, INDArray b) {
        return Nd4j.exec(new GreaterThanOrEqual(a, b))[0].castTo(a.dataType());
    }

    @Override
    public INDArray greaterThan(INDArray a, double s) {
        return a.gt(s).castTo(a.dataType());
    }

    @Override
    public INDArray rows(INDArray a, long from, long to) {
        return from == 0 && to >= a.rows() ? a : a.get(NDArrayIndex.interval(from, to), NDArrayIndex.all());
    }

    @Override
    public INDArray concatRows(List<INDArray> parts) {
        return parts.size() == 1 ? parts.get(0) : Nd4j.concat(0, parts.toArray(new INDArray[0]));
    }

    @Override
    public INDArray concatColumns(INDArray a, INDArray b) {
        return Nd4j.concat(1, a, b);
    }

    @Override
    public List<INDArray> splitRows(INDArray a, INDArray headLike) {
        long head = headLike.rows();
        return List.of(rows(a, 0, head), rows(a, head, a.rows()));
    }

    @Override
    public INDArray columnToRow(INDArray column) {
        return column.reshape(1, column.length());
    }

    @Override
    public INDArray zerosLike(INDArray a) {
        return Nd4j.zerosLike(a);
    }

    @Override
    public INDArray onesLike(INDArray a) {
        return Nd4j.onesLike(a);
    }

    @Override
    public INDArray diagonalMask(INDArray like, long rowOffset) {
        INDArray rowIndex = Nd4j.arange(rowOffset, rowOffset + like.rows()).castTo(like.dataType()).reshape(like.rows(), 1);
        return equal(rowIndex, columnIndices(like));
    }

    @Override
    public INDArray expandDims(INDArray a, int axis) {
        return Nd4j.expandDims(a, axis);
    }

    @Override
    public INDArray sumAlong(INDArray a, int axis) {
        return a.sum(true, axis);
    }

    @Override
    public INDArray squeeze(INDArray a, int axis) {
        return Nd4j.squeeze(a, axis);
    }

    @Override
    public INDArray ceil(INDArray a) {
        return Transforms.ceil(a, true);
    }

    @Override
    public INDArray sortRowsDescending(INDArray a) {
        // top_k over all columns is a descending sort; its k is the first integer argument (the TopK class of M2.1
        // passes its "sorted" flag there instead, which makes k = 1)
        return Nd4j.exec(DynamicCustomOp.builder("top_k").addInputs(a).addIntegerArguments(a.columns()).build())[0];
    }

    @Override
    public INDArray columnIndices(INDArray like) {
        return Nd4j.arange(0, like.columns()).castTo(like.dataType()).reshape(1, like.columns());
    }

    @Override
    public INDArray addInPlace(INDArray a, INDArray b) {
        return a.addi(b);
    }

    @Override
    public INDArray subInPlace(INDArray a, INDArray b) {
        return a.subi(b);
    }

    @Override
    public INDArray mulInPlace(INDArray a, INDArray b) {
        return a.muli(b);
    }

    @Override
    public INDArray mulInPlace(INDArray a, double s) {
        return a.muli(s);
    }

    @Override
    public INDArray divInPlace(INDArray a, INDArray b) {
        return a.divi(b);
    }

    @Override
    public boolean knownAtMostOne(INDArray counts) {
        return counts.isEmpty() || counts.maxNumber().doubleValue() <= 1;
    }

    @Override
    public INDArray expInPlace(INDArray a) {
        return Transforms.exp(a, false);
    }
}
