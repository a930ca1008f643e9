package dev.dl4jlosses.lossfunctions;

import java.util.Arrays;
import java.util.Objects;

import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The inputs of a loss's last gradient computation and the row losses it found, as detached copies (DL4J's arrays
 * live in workspaces that the next layer reuses). {@link #matches} compares by content, exactly: the score DL4J
 * computes after a gradient comes from a preOutput recomputed by the same layer, a different array with the same
 * values, and any other input, a changed memory queue or an array differing in a single entry gets the loss
 * evaluated afresh. Immutable, so threads sharing a loss instance can only miss the cache, never read another
 * thread's result.
 */
record LastGradient(INDArray labels, INDArray preOutput, IActivation activation, INDArray mask, long queueModifications,
                    INDArray rowLoss) {

    static LastGradient of(INDArray labels, INDArray preOutput, IActivation activation, INDArray mask, long queueModifications,
                           INDArray rowLoss) {
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            return new LastGradient(copy(labels), preOutput.dup(), activation, copy(mask), queueModifications, rowLoss.dup());
        }
    }

    boolean matches(INDArray labels, INDArray preOutput, IActivation activation, INDArray mask, long queueModifications) {
        return queueModifications == this.queueModifications && Objects.equals(activation, this.activation)
                && sameValues(preOutput, this.preOutput) && sameValues(labels, this.labels) && sameValues(mask, this.mask);
    }

    private static INDArray copy(INDArray a) {
        return a == null ? null : a.dup();
    }

    /** Same shape, type and values (NaN equals nothing, so an input with a NaN is always evaluated afresh). */
    private static boolean sameValues(INDArray a, INDArray b) {
        if (a == null || b == null) {
            return a == b;
        }
        return a.dataType() == b.dataType() && Arrays.equals(a.shape(), b.shape())
                && (a.isEmpty() || a.neq(b).castTo(DataType.INT).sumNumber().intValue() == 0);
    }
}
