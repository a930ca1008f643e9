package dev.dl4jlosses.core.eager;

import java.util.Arrays;
import java.util.List;

import dev.dl4jlosses.core.ComputePrecision;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The one eager driver of every loss, after its evaluator has checked the inputs (its shape contract): results
 * allocated in the inputs' type in the caller's workspace, the compute precision, the fast path the evaluator was
 * built with, and otherwise the engine inside the batch workspace, in row blocks each inside the block workspace.
 * Nothing computed inside a scratch workspace outlives it, so the engine writes what it returns into
 * {@link Outputs}.
 */
final class EagerRunner {

    /** A specialised evaluation: fills the outputs and returns true, or returns false leaving them untouched. */
    interface FastPath {
        boolean tryEvaluate(DataType computeType, Outputs out);
    }

    /** The general path: the engine on the inputs cast to {@code computeType}, inside the batch workspace. */
    interface GeneralPath {
        void evaluate(DataType computeType, Outputs out);
    }

    /** One block of anchor rows {@code [from, to)}, evaluated inside the block workspace. */
    interface Block {
        void evaluate(long from, long to);
    }

    /**
     * What a call returns, in the inputs' type, created outside the scratch workspaces.
     *
     * @param rowLoss   {@code [n, 1]} each row's loss (0 for invalid anchors)
     * @param valid     {@code [n, 1]} 1 for valid anchors
     * @param gradients one per input matrix, each null when no gradient is wanted for it
     */
    record Outputs(INDArray rowLoss, INDArray valid, List<INDArray> gradients) {

        INDArray gradient(int input) {
            return gradients.get(input);
        }

        /** Writes a block's row losses and validity, {@code rowLoss} times {@code weight} (a direction's share). */
        void setRows(long from, long to, INDArray blockLoss, INDArray blockValid, double weight) {
            rows(rowLoss, from, to).assign(weight == 1 ? blockLoss : blockLoss.mul(weight));
            rows(valid, from, to).assign(blockValid);
        }

        /** Adds a second direction's share to the row losses. */
        void addRowLoss(long from, long to, INDArray blockLoss, double weight) {
            rows(rowLoss, from, to).addi(blockLoss.mul(weight));
        }
    }

    private EagerRunner() {
    }

    /**
     * @param outType   the type of the results (the inputs' type)
     * @param rows      the number of anchors
     * @param gradients where the gradients go: arrays of the caller (e.g. views of one wider array) or null entries
     * @param fast      the evaluator's fast path, or null
     */
    static Outputs run(DataType outType, long rows, List<INDArray> gradients, FastPath fast, GeneralPath general) {
        DataType computeType = ComputePrecision.of(outType);
        Outputs out = new Outputs(Nd4j.create(outType, rows, 1), Nd4j.create(outType, rows, 1), gradients);
        if (fast != null && fast.tryEvaluate(computeType, out)) {
            return out;
        }
        try (MemoryWorkspace ignored = ScratchWorkspace.enter(ScratchWorkspace.BATCH)) {
            general.evaluate(computeType, out);
        }
        return out;
    }

    /** Gradient arrays in {@code outType} of the given shapes, or nulls when no gradient is wanted. */
    static List<INDArray> newGradients(DataType outType, boolean withGradient, long[]... shapes) {
        return Arrays.stream(shapes).map(shape -> withGradient && shape != null ? Nd4j.create(outType, shape) : null).toList();
    }

    /** Anchors {@code [0, rows)} in blocks of {@code rowsPerBlock}, each inside the block workspace. */
    static void forEachBlock(long rows, long rowsPerBlock, Block block) {
        for (long from = 0; from < rows; from += rowsPerBlock) {
            try (MemoryWorkspace ignored = ScratchWorkspace.enter(ScratchWorkspace.BLOCK)) {
                block.evaluate(from, Math.min(rows, from + rowsPerBlock));
            }
        }
    }

    static INDArray rows(INDArray a, long from, long to) {
        return from == 0 && to == a.rows() ? a : a.get(NDArrayIndex.interval(from, to), NDArrayIndex.all());
    }
}
