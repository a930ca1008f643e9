package dev.dl4jlosses.core;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Eager evaluation of a {@link PairwiseEngine} loss on INDArrays: checks the inputs, computes in
 * {@link ComputePrecision}, runs the anchors in {@link Blocking row blocks} inside {@link ScratchWorkspace}s, and
 * returns arrays in the embeddings' type, allocated in the caller's workspace (if any).
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
            double count = validCount();
            return count == 0 ? 0.0 : rowLoss.sumNumber().doubleValue() / count;
        }
    }

    private final ContrastiveKernel kernel;
    private final NegativeSelection selection;
    private final boolean normalize;
    private final double scale;
    private final Blocking blocking;

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
     * With extra negatives, e.g. the entries of a {@link MemoryQueue}: candidates of every anchor with another id;
     * they receive no gradient.
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
        DataType outType = embeddings.dataType();
        DataType type = ComputePrecision.of(outType);
        long batch = embeddings.rows();
        INDArray rowLoss = Nd4j.create(outType, batch, 1);
        INDArray valid = Nd4j.create(outType, batch, 1);
        INDArray gradient = withGradient ? Nd4j.create(outType, embeddings.shape()) : null;
        if (twoViewCandidate(keepColumn, negatives)
                && TwoViewNTXent.evaluate(ComputePrecision.cast(embeddings, type), ComputePrecision.cast(idColumn, type),
                scale, blocking, rowLoss, valid, gradient)) {
            return new Result(rowLoss, valid, gradient);
        }
        long blockRows = blocking.rowsPerBlock(batch, batch + (negatives == null ? 0 : negatives.rows()), type);
        NDArrayOps o = NDArrayOps.INSTANCE;

        try (MemoryWorkspace ignored = ScratchWorkspace.enter(ScratchWorkspace.BATCH)) {
            PairwiseEngine.Prepared<INDArray> p = PairwiseEngine.prepare(o, ComputePrecision.cast(embeddings, type),
                    ComputePrecision.cast(idColumn, type), ComputePrecision.cast(keepColumn, type),
                    Nd4j.scalar(type, scale), normalize, ComputePrecision.cast(negatives, type),
                    ComputePrecision.cast(negativeIdColumn, type), null);
            INDArray gradUnits = withGradient ? Nd4j.zeros(type, embeddings.shape()) : null;
            for (long from = 0; from < batch; from += blockRows) {
                long to = Math.min(batch, from + blockRows);
                try (MemoryWorkspace ignoredToo = ScratchWorkspace.enter(ScratchWorkspace.BLOCK)) {
                    PairwiseEngine.Block<INDArray> b = PairwiseEngine.block(o, kernel, selection, p, from, to, withGradient, false);
                    rowLoss.get(NDArrayIndex.interval(from, to), NDArrayIndex.all()).assign(b.rowLoss());
                    valid.get(NDArrayIndex.interval(from, to), NDArrayIndex.all()).assign(b.valid());
                    if (withGradient) {
                        gradUnits.get(NDArrayIndex.interval(from, to), NDArrayIndex.all()).addi(b.gradRows());
                        gradUnits.addi(b.gradAll());
                    }
                }
            }
            if (withGradient) {
                gradient.assign(PairwiseEngine.embeddingGradient(o, p, gradUnits));
            }
        }
        return new Result(rowLoss, valid, gradient);
    }

    /**
     * NT-Xent, and SupCon (identical when each anchor has one positive), over all other rows of the batch: the
     * configurations {@link TwoViewNTXent} may take if the ids turn out to be two views each.
     */
    private boolean twoViewCandidate(INDArray keep, INDArray negatives) {
        return (kernel == NTXentKernel.INSTANCE || kernel == SoftmaxCrossEntropyKernel.INSTANCE) && selection == null
                && normalize && keep == null && negatives == null;
    }
}
