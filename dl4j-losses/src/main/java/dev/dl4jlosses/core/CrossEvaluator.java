package dev.dl4jlosses.core;

import java.util.List;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Eager evaluation of a {@link CrossEngine} loss (queries against keys and optional shared negatives) on INDArrays,
 * like {@link PairwiseEvaluator}. A symmetric loss averages the query-to-key and key-to-query directions.
 */
public final class CrossEvaluator {

    /**
     * @param rowLoss           {@code [N, 1]} each pair's loss (the mean of both directions when symmetric)
     * @param valid             {@code [N, 1]} 1 where the query is a valid anchor
     * @param gradQueries       {@code [N, d]} gradient of {@code Σ rowLoss}, or null
     * @param gradKeys          {@code [N, d]} or null
     * @param gradNegatives     {@code [M, d]}, or null (no gradient asked, or no negatives)
     */
    public record Result(INDArray rowLoss, INDArray valid, INDArray gradQueries, INDArray gradKeys,
                         INDArray gradNegatives) {
    }

    private final ContrastiveKernel kernel;
    private final NegativeSelection selection;
    private final boolean normalize;
    private final double scale;
    private final boolean symmetric;
    private final Blocking blocking;

    /** Every negative takes part. */
    public CrossEvaluator(ContrastiveKernel kernel, boolean normalize, double scale, boolean symmetric, Blocking blocking) {
        this(kernel, null, normalize, scale, symmetric, blocking);
    }

    /** @param selection which negatives each anchor keeps (in both directions), or null for all */
    public CrossEvaluator(ContrastiveKernel kernel, NegativeSelection selection, boolean normalize, double scale,
                          boolean symmetric, Blocking blocking) {
        this.kernel = kernel;
        this.selection = selection;
        this.normalize = normalize;
        this.scale = scale;
        this.symmetric = symmetric;
        this.blocking = blocking;
    }

    /**
     * @param queries     {@code [N, d]}
     * @param keys        {@code [N, d]}, key i is the positive of query i
     * @param negatives   {@code [M, d]} shared negatives, or null
     * @param ids         one id per pair, or null: keys with the query's id are not its negatives
     * @param negativeIds one id per negative, or null (needs {@code ids})
     * @param keep        0/1 mask per pair, or null
     */
    public Result evaluate(INDArray queries, INDArray keys, INDArray negatives, INDArray ids, INDArray negativeIds,
                           INDArray keep, boolean withGradient) {
        return evaluateInto(queries, keys, negatives, ids, negativeIds, keep,
                withGradient ? Nd4j.create(queries.dataType(), queries.shape()) : null,
                withGradient ? Nd4j.create(keys.dataType(), keys.shape()) : null);
    }

    /**
     * As {@link #evaluate}, writing the gradients into arrays of the caller, e.g. the two column halves of one
     * {@code [N, 2d]} array (which saves allocating and copying two more).
     *
     * @param gradQueries {@code [N, d]} receives the queries' gradient, or null for no gradient
     * @param gradKeys    {@code [N, d]} receives the keys' gradient (null exactly when {@code gradQueries} is)
     */
    public Result evaluateInto(INDArray queries, INDArray keys, INDArray negatives, INDArray ids, INDArray negativeIds,
                               INDArray keep, INDArray gradQueries, INDArray gradKeys) {
        Checks.matrix("queries", queries);
        Checks.matrix("keys", keys);
        Checks.sameShape("queries", queries, "keys", keys);
        if (negatives != null) {
            Checks.matrix("negatives", negatives);
            Checks.sameWidth("queries", queries, "negatives", negatives);
        }
        INDArray idColumn = Checks.perRowColumn("labels", ids, "queries", queries);
        INDArray negativeIdColumn = negatives == null ? null : Checks.perRowColumn("negative ids", negativeIds, "negatives", negatives);
        if (negativeIdColumn != null && idColumn == null) {
            throw new IllegalArgumentException("negative ids are only used together with query ids (labels); got negative ids "
                    + Checks.shape(negativeIds) + " and no labels");
        }
        INDArray keepColumn = Checks.perRowColumn("mask", keep, "queries", queries);

        DataType outType = queries.dataType();
        DataType type = ComputePrecision.of(outType);
        long n = queries.rows();
        long candidates = n + (negatives == null ? 0 : negatives.rows());
        INDArray rowLoss = Nd4j.create(outType, n, 1);
        INDArray valid = Nd4j.create(outType, n, 1);
        boolean withGradient = gradQueries != null;
        INDArray gradQ = gradQueries;
        INDArray gradK = gradKeys;
        INDArray gradN = withGradient && negatives != null ? Nd4j.create(outType, negatives.shape()) : null;
        if (kernel == SoftmaxCrossEntropyKernel.INSTANCE && selection == null && normalize && negatives == null
                && idColumn == null && keepColumn == null
                && OneToOneInfoNCE.evaluate(ComputePrecision.cast(queries, type), ComputePrecision.cast(keys, type), scale,
                symmetric, blocking, rowLoss, valid, gradQ, gradK)) {
            return new Result(rowLoss, valid, gradQ, gradK, null);
        }
        double directionWeight = symmetric ? 0.5 : 1.0;
        NDArrayOps o = NDArrayOps.INSTANCE;

        try (MemoryWorkspace ignored = ScratchWorkspace.enter(ScratchWorkspace.BATCH)) {
            CrossEngine.Prepared<INDArray> p = CrossEngine.prepare(o, ComputePrecision.cast(queries, type),
                    ComputePrecision.cast(keys, type), ComputePrecision.cast(negatives, type),
                    ComputePrecision.cast(idColumn, type), ComputePrecision.cast(negativeIdColumn, type),
                    null, ComputePrecision.cast(keepColumn, type), Nd4j.scalar(type, scale), normalize);
            INDArray gradQueryUnits = withGradient ? Nd4j.zeros(type, queries.shape()) : null;
            INDArray gradCandidateUnits = withGradient ? Nd4j.zeros(type, candidates, queries.columns()) : null;
            INDArray gradKeyUnits = withGradient && symmetric ? Nd4j.zeros(type, keys.shape()) : null;

            long blockRows = blocking.rowsPerBlock(n, candidates, type);
            for (long from = 0; from < n; from += blockRows) {
                long to = Math.min(n, from + blockRows);
                try (MemoryWorkspace ignoredToo = ScratchWorkspace.enter(ScratchWorkspace.BLOCK)) {
                    CrossEngine.Block<INDArray> b = CrossEngine.queryBlock(o, kernel, selection, p, from, to, withGradient, false);
                    rows(rowLoss, from, to).assign(b.rowLoss().mul(directionWeight));
                    rows(valid, from, to).assign(b.valid());
                    if (withGradient) {
                        rows(gradQueryUnits, from, to).addi(b.gradRows().muli(directionWeight));
                        gradCandidateUnits.addi(b.gradOther().muli(directionWeight));
                    }
                }
            }
            if (symmetric) {
                long keyBlockRows = blocking.rowsPerBlock(n, n, type);
                for (long from = 0; from < n; from += keyBlockRows) {
                    long to = Math.min(n, from + keyBlockRows);
                    try (MemoryWorkspace ignoredToo = ScratchWorkspace.enter(ScratchWorkspace.BLOCK)) {
                        CrossEngine.Block<INDArray> b = CrossEngine.keyBlock(o, kernel, selection, p, from, to, withGradient, false);
                        rows(rowLoss, from, to).addi(b.rowLoss().mul(directionWeight));
                        if (withGradient) {
                            rows(gradKeyUnits, from, to).addi(b.gradRows().muli(directionWeight));
                            gradQueryUnits.addi(b.gradOther().muli(directionWeight));
                        }
                    }
                }
            }
            if (withGradient) {
                List<INDArray> grads = CrossEngine.inputGradients(o, p, gradQueryUnits, gradCandidateUnits, gradKeyUnits);
                gradQ.assign(grads.get(0));
                gradK.assign(grads.get(1));
                if (gradN != null) {
                    gradN.assign(grads.get(2));
                }
            }
        }
        return new Result(rowLoss, valid, gradQ, gradK, gradN);
    }

    private static INDArray rows(INDArray a, long from, long to) {
        return a.get(NDArrayIndex.interval(from, to), NDArrayIndex.all());
    }
}
