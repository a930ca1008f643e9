package dev.dl4jlosses.core;

import java.io.Serial;
import java.io.Serializable;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The name under which versions before {@code dev.dl4jlosses.options.MemoryQueue} existed wrote a queue with Java
 * serialization (e.g. {@code ModelSerializer.addObjectToFile(file, "memoryQueue", loss.getMemoryQueue())}): reading such
 * a file gives the queue it holds as an {@code options.MemoryQueue}. Same serial form (fields and
 * {@code serialVersionUID}) as the old class; nothing else uses it.
 */
final class MemoryQueue implements Serializable {

    @Serial
    private static final long serialVersionUID = 1L;

    private int capacity;
    private INDArray keys;
    private INDArray ids;
    private INDArray filled;
    private INDArray next;
    private INDArray stagedKeys;
    private INDArray stagedIds;

    private MemoryQueue() {
    }

    @Serial
    private Object readResolve() {
        dev.dl4jlosses.options.MemoryQueue queue = keys == null ? new dev.dl4jlosses.options.MemoryQueue(capacity)
                : dev.dl4jlosses.options.MemoryQueue.over(keys, ids, filled, next);
        if (stagedKeys != null) {
            queue.stage(stagedKeys, stagedIds);
        }
        return queue;
    }
}
