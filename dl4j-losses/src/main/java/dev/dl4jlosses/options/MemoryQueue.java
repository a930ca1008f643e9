package dev.dl4jlosses.options;

import java.io.Serializable;

import dev.dl4jlosses.core.Checks;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * A first-in first-out memory of past key embeddings and their label ids: the negatives queue of MoCo (He et al.
 * 2020) and the cross-batch memory of XBM (Wang et al. 2020). The losses use the entries as extra negatives (never
 * positives, and never for an anchor with the entry's id); entries are detached copies and receive no gradient.
 *
 * <p>The entries live in a ring buffer of {@code capacity} rows, written with ND4J interval assignments (no loops
 * over elements): {@link #enqueue} writes the new rows at the slot after the newest entry and overwrites the oldest
 * once the buffer is full. The state is four arrays (keys, ids, a 0/1 mask of the filled slots, and the next slot)
 * so that a SameDiff graph can hold the same state as constants ({@link #over}). The buffer is allocated by the
 * first enqueue, with the width and type of the first keys.
 *
 * <p>Training steps stage the keys of their batch with {@link #stage}; the staged keys enter the queue when the
 * next step begins ({@link #enqueueStaged}). So within one step every evaluation of the loss (DL4J computes the
 * gradient, then the score) sees the same entries, and the batch never serves as its own queued negative.
 *
 * <p>Serializable (Java serialization, e.g. through DL4J's {@code ModelSerializer.addObjectToFile}); staged keys
 * are saved too. Not thread safe: one queue per training thread.
 */
public final class MemoryQueue implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The filled slots in enqueue order (oldest first), or null when the queue is empty. */
    public record Entries(INDArray keys, INDArray ids) {
    }

    private final int capacity;
    private INDArray keys;
    private INDArray ids;
    private INDArray filled;
    private INDArray next;
    private INDArray stagedKeys;
    private INDArray stagedIds;
    /** Counts the changes to the entries, so a cache of results computed against them can tell they are unchanged. */
    private transient long modifications;

    public MemoryQueue(int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("memory queue capacity must be > 0, got " + capacity);
        }
        this.capacity = capacity;
    }

    private MemoryQueue(INDArray keys, INDArray ids, INDArray filled, INDArray next) {
        this((int) keys.rows());
        this.keys = keys;
        this.ids = ids;
        this.filled = filled;
        this.next = next;
    }

    /**
     * A queue whose state is the given arrays, updated in place (a SameDiff graph's queue constants).
     *
     * @param keys   {@code [capacity, d]}
     * @param ids    {@code [capacity, 1]}
     * @param filled {@code [capacity, 1]} 1 for the slots holding an entry
     * @param next   scalar (LONG) slot of the next entry, which is the oldest entry when the queue is full
     */
    public static MemoryQueue over(INDArray keys, INDArray ids, INDArray filled, INDArray next) {
        return new MemoryQueue(keys, ids, filled, next);
    }

    /** The state arrays {@link #over} takes, allocated (empty queue) outside any workspace. */
    public static INDArray[] emptyState(int capacity, long width, DataType type) {
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            return new INDArray[] {Nd4j.zeros(type, capacity, width), Nd4j.zeros(type, capacity, 1),
                    Nd4j.zeros(type, capacity, 1), Nd4j.scalar(DataType.LONG, 0L)};
        }
    }

    public int capacity() {
        return capacity;
    }

    /** The number of entries, at most {@link #capacity()}. */
    public long size() {
        return filled == null ? 0 : filled.sumNumber().longValue();
    }

    /**
     * Appends keys {@code [n, d]} with their ids (one per row); when the queue is full the oldest entries make room.
     * Of more than {@code capacity} rows, the last {@code capacity} are kept.
     */
    public void enqueue(INDArray newKeys, INDArray newIds) {
        Checks.matrix("queued keys", newKeys);
        INDArray idColumn = Checks.perRowColumn("queued ids", newIds, "queued keys", newKeys);
        if (idColumn == null) {
            throw new IllegalArgumentException("queued ids must not be null: one id per row of the keys " + Checks.shape(newKeys));
        }
        if (keys == null) {
            INDArray[] state = emptyState(capacity, newKeys.columns(), newKeys.dataType());
            keys = state[0];
            ids = state[1];
            filled = state[2];
            next = state[3];
        }
        Checks.sameWidth("the memory queue " + Checks.shape(keys), keys, "queued keys", newKeys);
        long n = newKeys.rows();
        long skip = Math.max(0, n - capacity);
        long slot = next.getLong(0);
        long first = Math.min(n - skip, capacity - slot);
        write(newKeys, idColumn, skip, skip + first, slot);
        write(newKeys, idColumn, skip + first, n, 0);
        next.assign((slot + n - skip) % capacity);
        modifications++;
    }

    /** Holds the keys of the current training step until the next one begins; copies them (they are detached). */
    public void stage(INDArray newKeys, INDArray newIds) {
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            stagedKeys = newKeys.dup();
            stagedIds = newIds.dup();
        }
    }

    /** Enqueues the keys staged by the previous training step, if any. */
    public void enqueueStaged() {
        if (stagedKeys != null) {
            enqueue(stagedKeys, stagedIds);
            stagedKeys = null;
            stagedIds = null;
        }
    }

    /** The entries, oldest first; null when the queue is empty. Staged keys are not entries yet. */
    public Entries entries() {
        long size = size();
        if (size == 0) {
            return null;
        }
        if (size < capacity) {
            return new Entries(rows(keys, 0, size), rows(ids, 0, size));
        }
        long oldest = next.getLong(0);
        return new Entries(Nd4j.concat(0, rows(keys, oldest, capacity), rows(keys, 0, oldest)),
                Nd4j.concat(0, rows(ids, oldest, capacity), rows(ids, 0, oldest)));
    }

    /** Replaces this queue's entries and staged keys by copies of another's (e.g. one read back from a model file). */
    public void restore(MemoryQueue saved) {
        if (saved.capacity != capacity) {
            throw new IllegalArgumentException("cannot restore a memory queue of capacity " + saved.capacity
                    + " into one of capacity " + capacity);
        }
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            keys = copy(saved.keys);
            ids = copy(saved.ids);
            filled = copy(saved.filled);
            next = copy(saved.next);
            stagedKeys = copy(saved.stagedKeys);
            stagedIds = copy(saved.stagedIds);
        }
        modifications++;
    }

    /**
     * A number that changes whenever this queue's entries do ({@link #enqueue}, {@link #restore}); staging does not
     * change the entries. (A queue {@link #over} a graph's arrays does not see the graph's own updates.)
     */
    public long modifications() {
        return modifications;
    }

    private void write(INDArray newKeys, INDArray newIds, long from, long to, long slot) {
        if (to > from) {
            rows(keys, slot, slot + to - from).assign(rows(newKeys, from, to));
            rows(ids, slot, slot + to - from).assign(rows(newIds, from, to));
            rows(filled, slot, slot + to - from).assign(1);
        }
    }

    private static INDArray rows(INDArray a, long from, long to) {
        return a.get(NDArrayIndex.interval(from, to), NDArrayIndex.all());
    }

    private static INDArray copy(INDArray a) {
        return a == null ? null : a.dup();
    }
}
