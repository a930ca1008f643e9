package dev.dl4jlosses.samediff;

import java.util.Arrays;
import java.util.Objects;

import dev.dl4jlosses.core.Checks;
import dev.dl4jlosses.core.math.Reduction;
import dev.dl4jlosses.options.LogitScale;
import dev.dl4jlosses.options.SameIdPairs;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * SigLIP's sigmoid loss (Zhai et al. 2023) as a SameDiff node, with its logit scale t and bias b learnable:
 * {@code L = -(1/N) Σ_i Σ_j log σ(z_ij (t·s_ij + b))} between images and texts {@code [N, d]}, cosine similarity
 * {@code s}, {@code z_ii = +1}, otherwise -1; with ids, what same-id off-diagonal pairs are is {@link SameIdPairs}
 * (default: left out). Conventions and checks are those of {@link SDContrastive}; the DL4J front is
 * {@code LossSigLIP} (t and b fixed there).
 *
 * <p>Parameterisation, as in the paper and open_clip: the trainable scalar is {@code log t} and the scale is
 * {@code t = min(e^{log t}, maxScale)} through {@link LogitScale#learnable} (clamp 100 by default, no gradient while
 * clamped, as for every learnable temperature of this library); b is trained as it is. Initial values t = 10,
 * b = -10 ({@link #logScale}, {@link #bias}). Both get their analytic gradients, {@code ∂L/∂log t = t·Σ ∂L/∂logits ⊙ s}
 * and {@code ∂L/∂b = Σ ∂L/∂logits}.
 *
 * <pre>{@code
 * SDVariable logT = SDSigLip.logScale(sd, "siglip_log_t");   // t = e^logT, starts at 10
 * SDVariable b = SDSigLip.bias(sd, "siglip_b");              // starts at -10
 * SDVariable loss = new SDSigLip(sd).sigLip("loss", images, texts, ids, LogitScale.learnable(logT), b,
 *         SameIdPairs.EXCLUDED);                             // ids may be null
 * }</pre>
 */
public final class SDSigLip {

    /** The paper's initial logit scale t. */
    public static final double INITIAL_SCALE = 10;
    /** The paper's initial logit bias b. */
    public static final double INITIAL_BIAS = -10;

    private final SameDiffOps ops;
    private final GraphRunner runner;

    public SDSigLip(SameDiff sd) {
        this.ops = new SameDiffOps(sd);
        this.runner = new GraphRunner(sd, ops);
    }

    /** A trainable scalar {@code log t} (FLOAT) starting at t = 10, for {@code LogitScale.learnable}. */
    public static SDVariable logScale(SameDiff sd, String name) {
        return LogitScale.variable(sd, name, 1 / INITIAL_SCALE);
    }

    /** A trainable scalar bias b (FLOAT) starting at -10. */
    public static SDVariable bias(SameDiff sd, String name) {
        return sd.var(name, Nd4j.scalar(DataType.FLOAT, (float) INITIAL_BIAS));
    }

    /** t and b fixed (as {@code LossSigLIP}), no ids. */
    public SDVariable sigLip(String name, SDVariable images, SDVariable texts, double scale, double bias) {
        return sigLip(name, images, texts, null, LogitScale.fixed(1 / Checks.positive("scale t", scale)), bias,
                SameIdPairs.EXCLUDED);
    }

    /** b fixed; t fixed or learnable ({@link LogitScale}); ids ({@code [N]}) or null. */
    public SDVariable sigLip(String name, SDVariable images, SDVariable texts, SDVariable ids, LogitScale scale, double bias,
                             SameIdPairs sameIdPairs) {
        Checks.finiteNumber("bias b", bias);
        return node(name, images, texts, ids, scale, null, bias, sameIdPairs);
    }

    /**
     * Full form: t fixed or learnable ({@link LogitScale}), b a learnable scalar variable.
     *
     * @param ids         one id per image/text pair ({@code [N]}), or null
     * @param sameIdPairs what off-diagonal pairs of equal ids are; ignored without ids
     */
    public SDVariable sigLip(String name, SDVariable images, SDVariable texts, SDVariable ids, LogitScale scale,
                             SDVariable bias, SameIdPairs sameIdPairs) {
        GraphChecks.floatScalar("bias b", bias);
        return node(name, images, texts, ids, scale, bias, Double.NaN, sameIdPairs);
    }

    private SDVariable node(String name, SDVariable images, SDVariable texts, SDVariable ids, LogitScale scale,
                            SDVariable learnedBias, double fixedBias, SameIdPairs sameIdPairs) {
        Objects.requireNonNull(scale, "scale");
        Objects.requireNonNull(sameIdPairs, "sameIdPairs");
        GraphChecks.matrix("images", images);
        GraphChecks.matrix("texts", texts);
        GraphChecks.sameStaticShape("images", images, "texts", texts);
        GraphChecks.idsPerRow(ids, images);
        return runner.run(name, "sigLip", Reduction.MEAN_OVER_VALID_ANCHORS, Arrays.asList(images, texts, null, learnedBias),
                scale, null, GraphBodies.sigLip(ops, fixedBias, sameIdPairs, ids));
    }
}
