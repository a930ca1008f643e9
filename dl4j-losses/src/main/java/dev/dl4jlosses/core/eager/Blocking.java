package dev.dl4jlosses.core.eager;

import dev.dl4jlosses.core.math.ContrastiveKernel;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * How many anchor rows the eager (INDArray) path evaluates at once. A block of {@code b} anchors against
 * {@code C} candidates needs about as many temporaries of {@code [b, C]} as its kernel declares
 * ({@link ContrastiveKernel#blockArrays()}); the block is the largest
 * that fits {@code memoryBudgetBytes}, so peak memory is {@code O(b·C + B·d)} instead of {@code O(B²)}.
 *
 * @param memoryBudgetBytes working memory allowed for one block's temporaries
 * @param blockRows         a fixed number of rows per block, or 0 to derive it from the budget
 */
public record Blocking(long memoryBudgetBytes, int blockRows) {

    /** Default working-memory budget: 1 GiB, which keeps batches up to about B = 3000 in a single block. */
    public static final long DEFAULT_MEMORY_BUDGET = 1L << 30;

    public static final Blocking DEFAULT = new Blocking(DEFAULT_MEMORY_BUDGET, 0);

    public Blocking {
        if (memoryBudgetBytes <= 0) {
            throw new IllegalArgumentException("memoryBudgetBytes must be > 0, got " + memoryBudgetBytes);
        }
        if (blockRows < 0) {
            throw new IllegalArgumentException("blockRows must be >= 0 (0 = from the memory budget), got " + blockRows);
        }
    }

    /** For a computation that holds {@code arrays} temporaries of {@code [b, candidates]} per block. */
    public long rowsPerBlock(long anchors, long candidates, DataType computeType, int arrays) {
        if (blockRows > 0) {
            return Math.min(blockRows, Math.max(anchors, 1));
        }
        long bytesPerRow = Math.max(1, candidates) * computeType.width() * arrays;
        return Math.max(1, Math.min(Math.max(anchors, 1), memoryBudgetBytes / bytesPerRow));
    }
}
