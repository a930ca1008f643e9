package dev.dl4jlosses.samediff;

import java.util.List;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ops.custom.BitCast;

/**
 * Lets a graph node carry its own analytic gradient, built from built-in ops only.
 *
 * <p>The loss is computed from {@link #detach detached} copies of its inputs, together with its analytic gradient
 * {@code g}. The node's output is then {@code value + Σ g ⊙ (x - detach(x))}: numerically {@code value} (the last
 * term is exactly 0), and its derivative with respect to {@code x} is {@code g}. SameDiff's autodiff therefore adds
 * only an elementwise product for the backward pass instead of differentiating every op of the forward pass, which
 * in ND4J 1.0.0-M2.1 is both slow and, for some reductions (reduce_logsumexp, sum without keepDims), broken.
 */
final class AnalyticGradient {

    private AnalyticGradient() {
    }

    /**
     * A copy of {@code x} that autodiff does not see through: SameDiff differentiates along floating-point paths only,
     * and this copy goes through an integer bit cast (exact, bit for bit, and serialised like any built-in op).
     */
    static SDVariable detach(SameDiff sd, SDVariable x) {
        DataType bits = switch (x.dataType()) {
            case DOUBLE -> DataType.LONG;
            case FLOAT -> DataType.INT;
            default -> throw new IllegalArgumentException("detach needs FLOAT or DOUBLE, got " + x.dataType());
        };
        return bitCast(sd, bitCast(sd, x, bits), x.dataType());
    }

    private static SDVariable bitCast(SameDiff sd, SDVariable x, DataType to) {
        BitCast op = new BitCast(sd, x, sd.constant(to.toInt()));
        op.addIArgument(to.toInt());
        return op.outputVariable();
    }

    /** {@code value + Σ_i sum(gradients[i] ⊙ (inputs[i] - detached[i]))}; null inputs are skipped. */
    static SDVariable attach(SDVariable value, List<SDVariable> inputs, List<SDVariable> detached, List<SDVariable> gradients) {
        SDVariable out = value;
        for (int i = 0; i < inputs.size(); i++) {
            if (inputs.get(i) != null) {
                out = out.add(gradients.get(i).mul(inputs.get(i).sub(detached.get(i))).sum());
            }
        }
        return out;
    }
}
