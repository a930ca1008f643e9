package dev.dl4jlosses.options;

import static dev.dl4jlosses.testing.Assertions.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The ring buffer: first in, first out, bounded, staged keys, Java serialization. */
class MemoryQueueTest {

    @Test
    void firstInFirstOutAndBoundedByItsCapacity() {
        MemoryQueue q = new MemoryQueue(5);
        assertNull(q.entries());
        q.enqueue(rows(0, 3), ids(0, 3));
        assertEntries(q, 0, 3);
        q.enqueue(rows(3, 6), ids(3, 6));      // wraps: 0 is overwritten
        assertEntries(q, 1, 6);
        q.enqueue(rows(6, 8), ids(6, 8));
        assertEntries(q, 3, 8);
        q.enqueue(rows(8, 15), ids(8, 15));    // more rows than the capacity: the last 5 stay
        assertEntries(q, 10, 15);
        q.enqueue(rows(15, 16), ids(15, 16));
        assertEntries(q, 11, 16);
    }

    @Test
    void stagedKeysAreCopiesThatEnterAtTheNextStep() {
        MemoryQueue q = new MemoryQueue(4);
        INDArray keys = rows(0, 2);
        q.stage(keys, ids(0, 2));
        keys.assign(-1);                       // the caller reuses its array: the staged copy must not change
        assertNull(q.entries(), "staged keys are not entries yet");
        q.enqueueStaged();
        assertEntries(q, 0, 2);
        q.enqueueStaged();                     // nothing staged: no change
        assertEntries(q, 0, 2);
    }

    @Test
    void javaSerializationRoundTripKeepsEntriesOrderAndStagedKeys() throws Exception {
        MemoryQueue q = new MemoryQueue(3);
        q.enqueue(rows(0, 4), ids(0, 4));
        q.stage(rows(4, 5), ids(4, 5));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(q);
        }
        MemoryQueue back;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            back = (MemoryQueue) in.readObject();
        }
        MemoryQueue restored = new MemoryQueue(3);
        restored.restore(back);
        assertEntries(restored, 1, 4);
        restored.enqueueStaged();
        assertEntries(restored, 2, 5);
        assertEntries(q, 1, 4);
        assertThrows(IllegalArgumentException.class, () -> new MemoryQueue(4).restore(back));
    }

    @Test
    void badInput() {
        assertThrows(IllegalArgumentException.class, () -> new MemoryQueue(0));
        MemoryQueue q = new MemoryQueue(3);
        q.enqueue(rows(0, 1), ids(0, 1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> q.enqueue(Nd4j.zeros(DataType.DOUBLE, 2, 5), ids(0, 2)));
        assertEquals(true, e.getMessage().contains("[2, 5]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> q.enqueue(rows(0, 2), ids(0, 3)));
    }

    /** Rows {@code [from, to)} of a [n, 2] matrix whose row r is (r, -r). */
    private static INDArray rows(int from, int to) {
        INDArray r = Nd4j.arange(from, to).castTo(DataType.DOUBLE).reshape(to - from, 1);
        return Nd4j.concat(1, r, r.neg());
    }

    private static INDArray ids(int from, int to) {
        return Nd4j.arange(from, to).castTo(DataType.DOUBLE).reshape(to - from, 1).addi(100);
    }

    private static void assertEntries(MemoryQueue q, int from, int to) {
        assertEquals(to - from, q.size());
        assertClose(rows(from, to), q.entries().keys(), 0, 0, "queued keys, oldest first");
        assertClose(ids(from, to), q.entries().ids(), 0, 0, "queued ids, oldest first");
    }
}
