package dev.dl4jlosses.core.eager;

import java.util.Arrays;
import java.util.List;

import dev.dl4jlosses.core.Checks;
import dev.dl4jlosses.core.ComputePrecision;
import dev.dl4jlosses.core.engine.CrossEngine;
import dev.dl4jlosses.core.engine.ExtraNegatives;
import dev.dl4jlosses.core.math.ContrastiveKernel;
import dev.dl4jlosses.core.math.NegativeSelection;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Eager evaluation of a {@link CrossEngine} loss (queries against keys and optional shared negatives) on INDArrays:
 * its shape contract, then the {@link EagerRunner}. A symmetric loss averages the query-to-key and key-to-query
 * directions.
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
    private final boolean oneToOne;

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
        this.oneToOne = OneToOneInfoNCE.isOfferedFor(kernel, selection, normalize);
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
        boolean withGradient = gradQueries != null;
        EagerRunner.FastPath fast = !oneToOne || negatives != null || idColumn != null || keepColumn != null ? null
                : (type, out) -> OneToOneInfoNCE.evaluate(ComputePrecision.cast(queries, type), ComputePrecision.cast(keys, type),
                        scale, symmetric, blocking, out.rowLoss(), out.valid(), out.gradient(0), out.gradient(1));
        List<INDArray> gradients = Arrays.asList(gradQueries, gradKeys,
                withGradient && negatives != null ? Nd4j.create(outType, negatives.shape()) : null);
        EagerRunner.Outputs out = EagerRunner.run(outType, queries.rows(), gradients, fast, (type, o) -> general(type,
                queries, keys, negatives == null ? null : new ExtraNegatives<>(negatives, negativeIdColumn, null),
                idColumn, keepColumn, o));
        return new Result(out.rowLoss(), out.valid(), out.gradient(0), out.gradient(1), out.gradient(2));
    }

    private void general(DataType type, INDArray queries, INDArray keys, ExtraNegatives<INDArray> negatives, INDArray ids,
                         INDArray keep, EagerRunner.Outputs out) {
        NDArrayOps o = NDArrayOps.INSTANCE;
        long n = queries.rows();
        long candidates = n + (negatives == null ? 0 : negatives.rows().rows());
        boolean withGradient = out.gradient(0) != null;
        double directionWeight = symmetric ? 0.5 : 1.0;
        CrossEngine.Prepared<INDArray> p = CrossEngine.prepare(o, ComputePrecision.cast(queries, type),
                ComputePrecision.cast(keys, type), negatives == null ? null : new ExtraNegatives<>(
                        ComputePrecision.cast(negatives.rows(), type), ComputePrecision.cast(negatives.ids(), type), null),
                ComputePrecision.cast(ids, type), ComputePrecision.cast(keep, type), Nd4j.scalar(type, scale), normalize);
        INDArray gradQueryUnits = withGradient ? Nd4j.zeros(type, queries.shape()) : null;
        INDArray gradCandidateUnits = withGradient ? Nd4j.zeros(type, candidates, queries.columns()) : null;
        INDArray gradKeyUnits = withGradient && symmetric ? Nd4j.zeros(type, keys.shape()) : null;
        EagerRunner.forEachBlock(n, blocking.rowsPerBlock(n, candidates, type, kernel.blockArrays()), (from, to) -> {
            CrossEngine.Block<INDArray> b = CrossEngine.queryBlock(o, kernel, selection, p, from, to, withGradient, false, false);
            out.setRows(from, to, b.rowLoss(), b.valid(), directionWeight);
            if (withGradient) {
                EagerRunner.rows(gradQueryUnits, from, to).addi(b.gradRows().muli(directionWeight));
                gradCandidateUnits.addi(b.gradOther().muli(directionWeight));
            }
        });
        if (symmetric) {
            EagerRunner.forEachBlock(n, blocking.rowsPerBlock(n, n, type, kernel.blockArrays()), (from, to) -> {
                CrossEngine.Block<INDArray> b = CrossEngine.keyBlock(o, kernel, selection, p, from, to, withGradient, false, false);
                out.addRowLoss(from, to, b.rowLoss(), directionWeight);
                if (withGradient) {
                    EagerRunner.rows(gradKeyUnits, from, to).addi(b.gradRows().muli(directionWeight));
                    gradQueryUnits.addi(b.gradOther().muli(directionWeight));
                }
            });
        }
        if (withGradient) {
            List<INDArray> grads = CrossEngine.inputGradients(o, p, gradQueryUnits, gradCandidateUnits, gradKeyUnits);
            for (int input = 0; input < grads.size(); input++) {
                if (out.gradient(input) != null) {
                    out.gradient(input).assign(grads.get(input));
                }
            }
        }
    }
}
