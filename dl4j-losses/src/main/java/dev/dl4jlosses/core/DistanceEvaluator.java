package dev.dl4jlosses.core;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Eager evaluation of a {@link DistanceEngine} loss on INDArrays: checks the inputs, computes in
 * {@link ComputePrecision} inside a {@link ScratchWorkspace}, and returns arrays in the embeddings' type.
 */
public final class DistanceEvaluator {

    /**
     * @param rowLoss  {@code [B, 1]} each row's share of the loss
     * @param valid    {@code [B, 1]} 1 for rows that take part as anchors
     * @param gradient {@code [B, d]} gradient of the loss ({@code Σ rowLoss}), or null
     */
    public record Result(INDArray rowLoss, INDArray valid, INDArray gradient) {

        public double loss() {
            return rowLoss.sumNumber().doubleValue();
        }
    }

    private final DistanceKernel kernel;
    private final boolean normalize;

    /** @param normalize distances between rows projected onto the unit sphere (true) or between the raw rows */
    public DistanceEvaluator(DistanceKernel kernel, boolean normalize) {
        this.kernel = kernel;
        this.normalize = normalize;
    }

    /**
     * @param embeddings {@code [B, d]}
     * @param ids        label ids, one per row ({@code [B]}, {@code [B, 1]} or {@code [1, B]})
     * @param keep       0/1 example mask, one per row, or null
     */
    public Result evaluate(INDArray embeddings, INDArray ids, INDArray keep, boolean withGradient) {
        Checks.matrix("embeddings", embeddings);
        INDArray idColumn = Checks.requiredPerRowColumn("labels", ids, "embeddings", embeddings);
        INDArray keepColumn = Checks.perRowColumn("mask", keep, "embeddings", embeddings);
        DataType outType = embeddings.dataType();
        DataType type = ComputePrecision.of(outType);
        long batch = embeddings.rows();
        INDArray rowLoss = Nd4j.create(outType, batch, 1);
        INDArray valid = Nd4j.create(outType, batch, 1);
        INDArray gradient = withGradient ? Nd4j.create(outType, embeddings.shape()) : null;
        try (MemoryWorkspace ignored = ScratchWorkspace.enter(ScratchWorkspace.BATCH)) {
            DistanceEngine.Output<INDArray> out = DistanceEngine.evaluate(NDArrayOps.INSTANCE, kernel,
                    ComputePrecision.cast(embeddings, type), ComputePrecision.cast(idColumn, type),
                    ComputePrecision.cast(keepColumn, type), normalize, withGradient);
            rowLoss.assign(out.rowLoss());
            valid.assign(out.valid());
            if (withGradient) {
                gradient.assign(out.gradient());
            }
        }
        return new Result(rowLoss, valid, gradient);
    }
}
