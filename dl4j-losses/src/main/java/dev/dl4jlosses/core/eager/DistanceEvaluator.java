package dev.dl4jlosses.core.eager;

import dev.dl4jlosses.core.Checks;
import dev.dl4jlosses.core.ComputePrecision;
import dev.dl4jlosses.core.engine.DistanceEngine;
import dev.dl4jlosses.core.math.DistanceKernel;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Eager evaluation of a {@link DistanceEngine} loss on INDArrays: its shape contract (one embedding matrix, one id per
 * row, an optional example mask), then the {@link EagerRunner}, with the whole batch as one block (the kernels reduce
 * over all pairs or triplets of the batch).
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
        EagerRunner.Outputs out = EagerRunner.run(outType, embeddings.rows(),
                EagerRunner.newGradients(outType, withGradient, embeddings.shape()), null, (type, o) -> {
                    DistanceEngine.Output<INDArray> r = DistanceEngine.evaluate(NDArrayOps.INSTANCE, kernel,
                            ComputePrecision.cast(embeddings, type), ComputePrecision.cast(idColumn, type),
                            ComputePrecision.cast(keepColumn, type), normalize, withGradient);
                    o.setRows(0, embeddings.rows(), r.rowLoss(), r.valid(), 1);
                    if (withGradient) {
                        o.gradient(0).assign(r.gradient());
                    }
                });
        return new Result(out.rowLoss(), out.valid(), out.gradient(0));
    }
}
