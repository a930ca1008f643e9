package dev.dl4jlosses.samediff;

import dev.dl4jlosses.options.LogitScale;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A node's view of its {@link LogitScale} in the compute type.
 *
 * @param input    the learnable parameter cast to the compute type (null when fixed)
 * @param detached its detached copy (null when fixed)
 * @param value    {@code s}, computed from the detached copy (so autodiff does not see through it)
 * @param active   1 while {@code s} is below the clamp, else 0 (null when fixed)
 */
record ScaleNode(SDVariable input, SDVariable detached, SDVariable value, SDVariable active) {

    static ScaleNode of(SameDiff sd, LogitScale scale, DataType type) {
        if (!scale.isLearnable()) {
            return new ScaleNode(null, null, sd.constant(Nd4j.scalar(type, 1.0 / scale.temperature())), null);
        }
        SDVariable input = scale.logScale().castTo(type);
        SDVariable detached = AnalyticGradient.detach(sd, input);
        double logMax = Math.log(scale.maxScale());
        SDVariable value = sd.math.exp(sd.scalarMin(detached, logMax));
        SDVariable active = sd.lt(detached, logMax).castTo(type);
        return new ScaleNode(input, detached, value, active);
    }

    boolean isLearnable() {
        return input != null;
    }

    /** {@code ∂L/∂t = ∂L/∂s · s}, 0 while clamped; null when the scale is fixed. */
    SDVariable gradient(SDVariable gradScale) {
        return isLearnable() ? gradScale.mul(value).mul(active) : null;
    }
}
