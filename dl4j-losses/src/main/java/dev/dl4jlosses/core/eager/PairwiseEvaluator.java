package dev.dl4jlosses.core.eager;

import dev.dl4jlosses.core.Checks;
import dev.dl4jlosses.core.ComputePrecision;
import dev.dl4jlosses.core.engine.ExtraNegatives;
import dev.dl4jlosses.core.engine.PairwiseEngine;
import dev.dl4jlosses.core.math.ContrastiveKernel;
import dev.dl4jlosses.core.math.NegativeSelection;
import dev.dl4jlosses.core.math.Reduction;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Eager evaluation of a {@link PairwiseEngine} loss on INDArrays: its shape contract (one embedding matrix, one id per
 * row, an optional example mask and extra negatives), then the {@link EagerRunner}. One evaluator serves a loss for
 * its lifetime and may be used from several threads; the fast path it is built with keeps its own cache.
 */
public final class PairwiseEvaluator {

    /**
     * @param rowLoss  {@code [B, 1]} each anchor's loss (0 for invalid anchors)
     * @param valid    {@code [B, 1]} 1 for valid anchors
     * @param gradient {@code [B, d]} gradient of {@code Σ rowLoss} with respect to the embeddings, or null
     */
    public record Result(INDArray rowLoss, INDArray valid, INDArray gradient) {

        public double validCount() {
            return valid.sumNumber().doubleValue();
        }

        /** Mean over valid anchors; 0 when there is none. */
        public double meanLoss() {
            INDArray denominator = Reduction.MEAN_OVER_VALID_ANCHORS.denominator(NDArrayOps.INSTANCE, rowLoss, valid);
            return rowLoss.sumNumber().doubleValue() / denominator.getDouble(0);
        }
    }

    private final ContrastiveKernel kernel;
    private final NegativeSelection selection;
    private final boolean normalize;
    private final double scale;
    private final Blocking blocking;
    private final TwoViewNTXent twoViews;

    /**
     * @param selection which negatives to keep, or null for all
     * @param scale     logit scale (1/τ; 1 for losses on raw similarities)
     */
    public PairwiseEvaluator(ContrastiveKernel kernel, NegativeSelection selection, boolean normalize, double scale,
                             Blocking blocking) {
        this.kernel = kernel;
        this.selection = selection;
        this.normalize = normalize;
        this.scale = scale;
        this.blocking = blocking;
        this.twoViews = TwoViewNTXent.offeredFor(kernel, selection, normalize);
    }

    /**
     * @param embeddings {@code [B, d]}
     * @param ids        label ids, one per row ({@code [B]}, {@code [B, 1]} or {@code [1, B]})
     * @param keep       0/1 example mask, one per row, or null
     */
    public Result evaluate(INDArray embeddings, INDArray ids, INDArray keep, boolean withGradient) {
        return evaluate(embeddings, ids, keep, null, null, withGradient);
    }

    /**
     * With extra negatives, e.g. the entries of a memory queue: candidates of every anchor with another id; they
     * receive no gradient.
     *
     * @param negatives   {@code [M, d]}, or null
     * @param negativeIds one id per negative (required with negatives)
     */
    public Result evaluate(INDArray embeddings, INDArray ids, INDArray keep, INDArray negatives, INDArray negativeIds,
                           boolean withGradient) {
        Checks.matrix("embeddings", embeddings);
        INDArray idColumn = Checks.requiredPerRowColumn("labels", ids, "embeddings", embeddings);
        INDArray keepColumn = Checks.perRowColumn("mask", keep, "embeddings", embeddings);
        INDArray negativeIdColumn = null;
        if (negatives != null) {
            Checks.matrix("negatives", negatives);
            Checks.sameWidth("embeddings", embeddings, "negatives", negatives);
            negativeIdColumn = Checks.perRowColumn("negative ids", negativeIds, "negatives", negatives);
            if (negativeIdColumn == null) {
                throw new IllegalArgumentException("negatives " + Checks.shape(negatives) + " need their ids (one per row)");
            }
        }
        INDArray negativeIdsOfRows = negativeIdColumn;
        DataType outType = embeddings.dataType();
        EagerRunner.FastPath fast = twoViews == null || keepColumn != null || negatives != null ? null
                : (type, out) -> twoViews.tryEvaluate(ComputePrecision.cast(embeddings, type),
                        ComputePrecision.cast(idColumn, type), scale, blocking, out.rowLoss(), out.valid(), out.gradient(0));
        EagerRunner.Outputs out = EagerRunner.run(outType, embeddings.rows(),
                EagerRunner.newGradients(outType, withGradient, embeddings.shape()), fast,
                (type, o) -> general(type, embeddings, idColumn, keepColumn, negatives, negativeIdsOfRows, o));
        return new Result(out.rowLoss(), out.valid(), out.gradient(0));
    }

    private void general(DataType type, INDArray embeddings, INDArray ids, INDArray keep, INDArray negatives,
                         INDArray negativeIds, EagerRunner.Outputs out) {
        NDArrayOps o = NDArrayOps.INSTANCE;
        long batch = embeddings.rows();
        boolean withGradient = out.gradient(0) != null;
        ExtraNegatives<INDArray> extra = negatives == null ? null
                : new ExtraNegatives<>(ComputePrecision.cast(negatives, type), ComputePrecision.cast(negativeIds, type), null);
        PairwiseEngine.Prepared<INDArray> p = PairwiseEngine.prepare(o, ComputePrecision.cast(embeddings, type),
                ComputePrecision.cast(ids, type), ComputePrecision.cast(keep, type), Nd4j.scalar(type, scale), normalize, extra);
        INDArray gradUnits = withGradient ? Nd4j.zeros(type, embeddings.shape()) : null;
        long candidates = batch + (negatives == null ? 0 : negatives.rows());
        long rowsPerBlock = kernel.couplesAnchors() ? batch
                : blocking.rowsPerBlock(batch, candidates, type, kernel.blockArrays());
        EagerRunner.forEachBlock(batch, rowsPerBlock, (from, to) -> {
            PairwiseEngine.Block<INDArray> b = PairwiseEngine.block(o, kernel, selection, p, from, to, withGradient, false);
            out.setRows(from, to, b.rowLoss(), b.valid(), 1);
            if (withGradient) {
                EagerRunner.rows(gradUnits, from, to).addi(b.gradRows());
                gradUnits.addi(b.gradAll());
            }
        });
        if (withGradient) {
            out.gradient(0).assign(PairwiseEngine.embeddingGradient(o, p, gradUnits));
        }
    }
}
