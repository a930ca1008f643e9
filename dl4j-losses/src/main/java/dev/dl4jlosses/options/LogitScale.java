package dev.dl4jlosses.options;

import java.util.Arrays;

import dev.dl4jlosses.core.Checks;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The logit scale {@code s = 1/τ} of a SameDiff loss node (see {@code SDContrastive}): a constant temperature, or
 * learnable as in CLIP (Radford et al. 2021), where a trainable scalar {@code t = log s} is used as {@code s = min(e^t, maxScale)}.
 *
 * <p>The node attaches the analytic gradient {@code ∂L/∂t = s · Σ (∂L/∂logits ⊙ similarities)}, which is 0 while
 * the scale is clamped (at or above {@code maxScale}, default 100 as in CLIP), so the parameter stops growing there.
 *
 * <pre>{@code
 * SDVariable logScale = LogitScale.variable(sd, "logit_scale", 0.07);   // trainable, starts at τ = 0.07
 * SDVariable loss = new SDContrastive(sd).infoNce("loss", q, k, null, ids, LogitScale.learnable(logScale), true);
 * }</pre>
 */
public final class LogitScale {

    /** CLIP's bound on the learnable scale. */
    public static final double DEFAULT_MAX_SCALE = 100;

    private final double temperature;
    private final SDVariable logScale;
    private final double maxScale;

    private LogitScale(double temperature, SDVariable logScale, double maxScale) {
        this.temperature = temperature;
        this.logScale = logScale;
        this.maxScale = maxScale;
    }

    /** A constant temperature τ > 0 ({@code s = 1/τ}). */
    public static LogitScale fixed(double temperature) {
        return new LogitScale(Checks.positive("temperature", temperature), null, Double.NaN);
    }

    /** {@code s = min(e^logScale, 100)}, with {@code logScale} a scalar (typically trainable) variable. */
    public static LogitScale learnable(SDVariable logScale) {
        return learnable(logScale, DEFAULT_MAX_SCALE);
    }

    /** {@code s = min(e^logScale, maxScale)}. */
    public static LogitScale learnable(SDVariable logScale, double maxScale) {
        if (logScale == null) {
            throw new IllegalArgumentException("logScale must not be null");
        }
        long[] shape = logScale.getShape();
        if (shape != null && Arrays.stream(shape).anyMatch(d -> d != 1)) {
            throw new IllegalArgumentException("logScale must be a scalar, got shape " + Arrays.toString(shape));
        }
        if (!logScale.dataType().isFPType()) {
            throw new IllegalArgumentException("logScale must be floating point, got " + logScale.dataType());
        }
        return new LogitScale(Double.NaN, logScale, Checks.positive("maxScale", maxScale));
    }

    /** A trainable scalar {@code log(1/τ)} (FLOAT) to pass to {@link #learnable}, CLIP's initialisation with τ = 0.07. */
    public static SDVariable variable(SameDiff sd, String name, double initialTemperature) {
        Checks.positive("initial temperature", initialTemperature);
        return sd.var(name, Nd4j.scalar(DataType.FLOAT, (float) Math.log(1 / initialTemperature)));
    }

    /** Whether the scale is a (trainable) variable rather than a constant. */
    public boolean isLearnable() {
        return logScale != null;
    }

    /** The constant temperature τ; NaN when learnable. */
    public double temperature() {
        return temperature;
    }

    /** The scalar variable {@code t} of {@code s = min(e^t, maxScale)}; null when fixed. */
    public SDVariable logScale() {
        return logScale;
    }

    /** The clamp of a learnable scale; NaN when fixed. */
    public double maxScale() {
        return maxScale;
    }
}
