package dev.dl4jlosses.samediff;

import java.util.List;

import dev.dl4jlosses.options.MemoryQueue;
import org.nd4j.autodiff.listeners.At;
import org.nd4j.autodiff.listeners.BaseListener;
import org.nd4j.autodiff.listeners.Listener;
import org.nd4j.autodiff.listeners.Loss;
import org.nd4j.autodiff.listeners.Operation;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A {@link MemoryQueue} held in a SameDiff graph: its state is four constants, {@code <name>/keys} {@code [capacity, d]},
 * {@code <name>/ids} {@code [capacity, 1]}, {@code <name>/filled} {@code [capacity, 1]} and {@code <name>/next}, so
 * the optimizer never updates it, autodiff gives it no gradient, and {@code sd.save} / {@code SameDiff.load} keep it.
 *
 * <p>A loss node given the queue ({@link SDContrastive#infoNceWithQueue} or {@link SDContrastive#ntXent(String,
 * SDVariable, SDVariable, LogitScale, boolean, SDMemoryQueue)}) uses the filled slots as extra negatives and names the detached
 * keys and ids of its batch {@code <name>/incoming_keys} and {@code <name>/incoming_ids}. The listener of
 * {@link #enqueueAfterEachStep()} catches those during each {@code sd.fit} step and writes them into the constants
 * when the step is done (inference does not enqueue). Listeners are not saved with a graph: after
 * {@code SameDiff.load}, find the queue with {@link #get} and add its listener again.
 *
 * <pre>{@code
 * SDMemoryQueue queue = SDMemoryQueue.create(sd, "queue", 4096, 128, DataType.FLOAT);
 * SDVariable loss = new SDContrastive(sd).infoNceWithQueue("loss", q, k, queue, ids, LogitScale.fixed(0.07), false);
 * sd.addListeners(queue.enqueueAfterEachStep());
 * sd.fit(iterator, epochs);
 * sd.save(file, true);
 * SameDiff restored = SameDiff.load(file, true);
 * restored.addListeners(SDMemoryQueue.get(restored, "queue").enqueueAfterEachStep());
 * }</pre>
 */
public final class SDMemoryQueue {

    private static final List<String> STATE = List.of("keys", "ids", "filled", "next");

    private final SameDiff sd;
    private final String name;

    private SDMemoryQueue(SameDiff sd, String name) {
        this.sd = sd;
        this.name = name;
    }

    /** An empty queue of {@code capacity} keys of width {@code width}, in {@code type} (the loss's compute type). */
    public static SDMemoryQueue create(SameDiff sd, String name, int capacity, long width, DataType type) {
        if (capacity <= 0 || width <= 0) {
            throw new IllegalArgumentException("memory queue \"" + name + "\": capacity and width must be > 0, got "
                    + capacity + " and " + width);
        }
        if (type != DataType.FLOAT && type != DataType.DOUBLE) {
            throw new IllegalArgumentException("memory queue \"" + name + "\" must be FLOAT or DOUBLE (the losses' compute "
                    + "types), got " + type);
        }
        INDArray[] state = MemoryQueue.emptyState(capacity, width, type);
        for (int i = 0; i < STATE.size(); i++) {
            if (sd.hasVariable(name + "/" + STATE.get(i))) {
                throw new IllegalArgumentException("the graph already has a variable called \"" + name + "/" + STATE.get(i) + "\"");
            }
            sd.constant(name + "/" + STATE.get(i), state[i]);
        }
        return new SDMemoryQueue(sd, name);
    }

    /** The queue called {@code name} of a graph, e.g. one loaded with {@code SameDiff.load}. */
    public static SDMemoryQueue get(SameDiff sd, String name) {
        for (String part : STATE) {
            SDVariable v = sd.hasVariable(name + "/" + part) ? sd.getVariable(name + "/" + part) : null;
            if (v == null || v.getVariableType() != VariableType.CONSTANT) {
                throw new IllegalArgumentException("the graph has no memory queue called \"" + name + "\" (no constant \""
                        + name + "/" + part + "\")");
            }
        }
        return new SDMemoryQueue(sd, name);
    }

    public String name() {
        return name;
    }

    /** The queue's contents, a view over the graph's constants (changes to it change the graph's state). */
    public MemoryQueue contents() {
        INDArray[] state = STATE.stream().map(part -> sd.getArrForVarName(name + "/" + part)).toArray(INDArray[]::new);
        return MemoryQueue.over(state[0], state[1], state[2], state[3]);
    }

    /** A listener that enqueues the batch's detached keys and ids after each training step. */
    public Listener enqueueAfterEachStep() {
        return new EnqueueListener();
    }

    SDVariable keys() {
        return sd.getVariable(name + "/keys");
    }

    SDVariable ids() {
        return sd.getVariable(name + "/ids");
    }

    SDVariable filled() {
        return sd.getVariable(name + "/filled");
    }

    DataType dataType() {
        return keys().dataType();
    }

    long width() {
        return keys().getShape()[1];
    }

    /** Names {@code keys} {@code [n, d]} and {@code ids} {@code [n, 1]} as what each training step enqueues. */
    void feedFrom(SDVariable keys, SDVariable ids) {
        if (sd.hasVariable(incomingKeys()) || sd.hasVariable(incomingIds())) {
            throw new IllegalArgumentException("memory queue \"" + name + "\" is already fed by another loss node");
        }
        sd.updateVariableNameAndReference(keys, incomingKeys(), true);
        sd.updateVariableNameAndReference(ids, incomingIds(), true);
    }

    private String incomingKeys() {
        return name + "/incoming_keys";
    }

    private String incomingIds() {
        return name + "/incoming_ids";
    }

    /** Catches the incoming keys and ids as the training step computes them; enqueues them when the step is done. */
    private final class EnqueueListener extends BaseListener {
        private INDArray keys;
        private INDArray ids;

        @Override
        public boolean isActive(Operation operation) {
            return operation == Operation.TRAINING;
        }

        @Override
        public void opExecution(SameDiff graph, At at, MultiDataSet batch, SameDiffOp op, OpContext opContext, INDArray[] outputs) {
            // ND4J reuses the arrays of op outputs, so keep copies, outside the session's workspaces
            try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                if (op.getOutputsOfOp().contains(incomingKeys())) {
                    keys = outputs[op.getOutputsOfOp().indexOf(incomingKeys())].dup();
                } else if (op.getOutputsOfOp().contains(incomingIds())) {
                    ids = outputs[op.getOutputsOfOp().indexOf(incomingIds())].dup();
                }
            }
        }

        @Override
        public void iterationDone(SameDiff graph, At at, MultiDataSet dataSet, Loss loss) {
            if (keys == null || ids == null) {
                throw new IllegalStateException("memory queue \"" + name + "\": the training step computed no incoming keys "
                        + "and ids; is a loss node fed by this queue part of the graph being trained?");
            }
            contents().enqueue(keys, ids);
            keys = null;
            ids = null;
        }
    }
}
