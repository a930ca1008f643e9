package dev.dl4jlosses.core.eager;

import dev.dl4jlosses.core.Checks;
import dev.dl4jlosses.core.ComputePrecision;
import dev.dl4jlosses.core.engine.NoiseContrastiveEstimation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Eager evaluation of {@link NoiseContrastiveEstimation} on INDArrays: its shape contract (anchors and positives
 * {@code [N, d]}, noise samples {@code [M, d]} and their log noise probabilities), then the {@link EagerRunner}, with
 * the whole batch as one block.
 */
public final class NceEvaluator {

    /**
     * @param rowLoss       {@code [N, 1]} each anchor's loss (0 for masked anchors)
     * @param valid         {@code [N, 1]} 1 for anchors that take part
     * @param gradAnchors   {@code [N, d]} gradient of {@code Σ rowLoss}, or null
     * @param gradPositives {@code [N, d]} or null
     * @param gradNoise     {@code [M, d]} or null
     */
    public record Result(INDArray rowLoss, INDArray valid, INDArray gradAnchors, INDArray gradPositives, INDArray gradNoise) {
    }

    private final double scale;
    private final boolean normalize;

    /** @param scale 1/τ */
    public NceEvaluator(double scale, boolean normalize) {
        this.scale = scale;
        this.normalize = normalize;
    }

    /**
     * @param logNoisePositives {@code [N, 1]} {@code log q} of each positive
     * @param logNoise          {@code [1, M]} {@code log q} of each noise sample
     * @param noisePerAnchor    k when anchor i owns noise rows {@code i·k .. i·k+k-1}; 0 when all share all M
     * @param keep              {@code [N, 1]} 0/1 mask of the anchors, or null
     */
    public Result evaluate(INDArray anchors, INDArray positives, INDArray noise, INDArray logNoisePositives,
                           INDArray logNoise, int noisePerAnchor, INDArray keep, boolean withGradient) {
        Checks.matrix("anchors", anchors);
        Checks.sameShape("anchors", anchors, "positives", Checks.matrix("positives", positives));
        Checks.sameWidth("anchors", anchors, "noise", Checks.matrix("noise", noise));
        DataType outType = anchors.dataType();
        EagerRunner.Outputs out = EagerRunner.run(outType, anchors.rows(), EagerRunner.newGradients(outType, withGradient,
                anchors.shape(), positives.shape(), noise.shape()), null, (type, o) -> {
                    NoiseContrastiveEstimation.Output<INDArray> r = NoiseContrastiveEstimation.evaluate(NDArrayOps.INSTANCE,
                            ComputePrecision.cast(anchors, type), ComputePrecision.cast(positives, type),
                            ComputePrecision.cast(noise, type), ComputePrecision.cast(logNoisePositives, type),
                            ComputePrecision.cast(logNoise, type), noisePerAnchor, ComputePrecision.cast(keep, type), scale,
                            normalize, withGradient);
                    o.setRows(0, anchors.rows(), r.rowLoss(), r.valid(), 1);
                    if (withGradient) {
                        o.gradient(0).assign(r.gradAnchors());
                        o.gradient(1).assign(r.gradPositives());
                        o.gradient(2).assign(r.gradNoise());
                    }
                });
        return new Result(out.rowLoss(), out.valid(), out.gradient(0), out.gradient(1), out.gradient(2));
    }
}
