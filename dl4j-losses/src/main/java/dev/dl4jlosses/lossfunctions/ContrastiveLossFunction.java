package dev.dl4jlosses.lossfunctions;

import java.lang.reflect.Field;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.atomic.AtomicLong;

import dev.dl4jlosses.core.Checks;
import dev.dl4jlosses.core.eager.Blocking;
import dev.dl4jlosses.core.math.Reduction;
import dev.dl4jlosses.options.MemoryQueue;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.shade.jackson.annotation.JsonIgnore;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * DL4J plumbing shared by the losses: activation forward/backward, per-example masks, the memory queue, the mapping of
 * a loss's {@link Reduction} to DL4J's score convention, the working-memory settings of the eager path, and
 * {@code equals}/{@code hashCode}/{@code toString} over the hyper-parameters (the {@code @JsonProperty} fields, which
 * are also what the JSON configuration holds). A loss is a thin configuration class: its hyper-parameters, a builder
 * (which is also how Jackson reads it) and the {@link Contract} it is evaluated through.
 *
 * <p>Conventions: {@code preOutput} is {@code [B, nOut]}; labels are a {@code [B, 1]} column of integer ids; a
 * per-example mask ({@code [B, 1]}) removes an example both as an anchor and as a candidate.
 * {@link #computeScoreArray} gives each row's loss (0 for an invalid anchor); {@link #computeScore} with
 * {@code average=true} divides their sum by B (DL4J's convention, equal to the mean over valid anchors when every
 * anchor is valid); {@link #computeGradient} is the gradient of the summed row losses.
 *
 * <p>A loss instance may be shared by networks and threads: what it keeps between calls (its evaluators, the layout
 * of the last ids, the warning below) is its own and thread safe; its memory queue, if any, is one per training
 * thread.
 */
public abstract class ContrastiveLossFunction implements ILossFunction {

    private static final Logger LOG = LogManager.getLogger(ContrastiveLossFunction.class);

    @JsonProperty("memoryBudgetBytes")
    protected final long memoryBudgetBytes;
    @JsonProperty("blockRows")
    protected final int blockRows;
    /** Built from the configuration at the first call (a deserialised loss builds its own). */
    @JsonIgnore
    private transient volatile Contract contract;
    @JsonIgnore
    private transient volatile boolean warnedNoValidAnchor;
    /** The inputs and row losses of the last gradient computation, an immutable snapshot (see {@link #computeScoreArray}). */
    @JsonIgnore
    private transient volatile LastGradient lastGradient;
    /** Counts loss evaluations, for tests (null after Java deserialisation, which then just stops counting). */
    @JsonIgnore
    private final transient AtomicLong evaluations = new AtomicLong();

    protected ContrastiveLossFunction(Builder<?, ?> builder) {
        new Blocking(builder.memoryBudgetBytes, builder.blockRows);
        this.memoryBudgetBytes = builder.memoryBudgetBytes;
        this.blockRows = builder.blockRows;
    }

    /** How this loss reads DL4J's arrays and evaluates them; called once per instance. */
    abstract Contract createContract();

    /** The memory queue in front of this loss's contract, or null (the losses that support one say so). */
    CrossBatchMemory memory() {
        return null;
    }

    /**
     * The loss's memory of past keys (configured with the builder's {@code memoryQueue(size)}), or null.
     *
     * <p>The loss fills it itself: each gradient computation is a training step, which first enqueues the keys staged
     * by the previous step and then stages its own batch's (detached copies, with their ids), so no listener is needed
     * and {@code net.fit} is all it takes; scores computed outside training ({@code net.score(data)}) leave it as is.
     * DL4J's JSON configuration holds the queue's size, not its contents: save those next to the model and restore
     * them after loading it (the loss in the loaded configuration starts with an empty queue of the same size):
     * <pre>{@code
     * ModelSerializer.writeModel(net, file, true);
     * ModelSerializer.addObjectToFile(file, "memoryQueue", loss.getMemoryQueue());
     * // later
     * MultiLayerNetwork restored = ModelSerializer.restoreMultiLayerNetwork(file, true);
     * ContrastiveLossFunction restoredLoss = (ContrastiveLossFunction) ((OutputLayer) restored.getLayerWiseConfigurations()
     *         .getConf(restored.getnLayers() - 1).getLayer()).getLossFn();
     * restoredLoss.getMemoryQueue().restore(ModelSerializer.getObjectFromFile(file, "memoryQueue"));
     * }</pre>
     * The queue belongs to this loss object, so networks built from one configuration object (or cloned) share it.
     */
    @JsonIgnore
    public MemoryQueue getMemoryQueue() {
        CrossBatchMemory memory = memory();
        return memory == null ? null : memory.queue();
    }

    protected Blocking blocking() {
        return new Blocking(memoryBudgetBytes, blockRows);
    }

    public long getMemoryBudgetBytes() {
        return memoryBudgetBytes;
    }

    public int getBlockRows() {
        return blockRows;
    }

    @Override
    public double computeScore(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask, boolean average) {
        return reduce(computeScoreArray(labels, preOutput, activationFn, mask), average);
    }

    /**
     * The row losses; when the arrays equal those of this instance's last gradient computation (DL4J's output layer
     * asks for the score of each training step right after its gradient, on a recomputed but equal preOutput), the
     * losses that computation found, without evaluating the loss again.
     */
    @Override
    public INDArray computeScoreArray(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        LastGradient reusable = lastGradient;
        if (reusable != null && reusable.matches(labels, preOutput, activationFn, mask, queueModifications())) {
            return reusable.rowLoss().dup();
        }
        return run(labels, preOutput, activationFn, mask, false).rowLoss();
    }

    @Override
    public INDArray computeGradient(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        return backprop(preOutput, activationFn, runWithGradient(labels, preOutput, activationFn, mask).gradient());
    }

    @Override
    public Pair<Double, INDArray> computeGradientAndScore(INDArray labels, INDArray preOutput, IActivation activationFn,
                                                          INDArray mask, boolean average) {
        Contract.Evaluation e = runWithGradient(labels, preOutput, activationFn, mask);
        return new Pair<>(reduce(e.rowLoss(), average), backprop(preOutput, activationFn, e.gradient()));
    }

    /** Loss evaluations this instance has run (score requests answered by {@link LastGradient} are not counted). */
    long evaluations() {
        return evaluations == null ? 0 : evaluations.get();
    }

    private Contract.Evaluation runWithGradient(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        Contract.Evaluation e = run(labels, preOutput, activationFn, mask, true);
        lastGradient = LastGradient.of(labels, preOutput, activationFn, mask, queueModifications(), e.rowLoss());
        return e;
    }

    private long queueModifications() {
        MemoryQueue queue = getMemoryQueue();
        return queue == null ? 0 : queue.modifications();
    }

    @Override
    public String name() {
        return getClass().getSimpleName();
    }

    @Override
    public boolean equals(Object o) {
        return o == this || o != null && o.getClass() == getClass()
                && hyperParameters().equals(((ContrastiveLossFunction) o).hyperParameters());
    }

    @Override
    public int hashCode() {
        return getClass().hashCode() * 31 + hyperParameters().hashCode();
    }

    @Override
    public String toString() {
        StringJoiner s = new StringJoiner(", ", name() + "(", ")");
        hyperParameters().forEach((name, value) -> s.add(name + "=" + value));
        return s.toString();
    }

    /** The {@code @JsonProperty} fields by their JSON names, the loss's own first, then those of its superclasses. */
    private Map<String, Object> hyperParameters() {
        Map<String, Object> parameters = new LinkedHashMap<>();
        for (Class<?> c = getClass(); c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                JsonProperty property = f.getAnnotation(JsonProperty.class);
                if (property != null) {
                    parameters.put(property.value(), valueOf(f));
                }
            }
        }
        return parameters;
    }

    private Object valueOf(Field f) {
        try {
            f.setAccessible(true);
            return f.get(this);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot read hyper-parameter " + f.getName() + " of " + name(), e);
        }
    }

    /** Options every loss shares: the working memory of the eager path. Jackson reads the JSON through the builders. */
    @SuppressWarnings("unchecked")
    public abstract static class Builder<L extends ContrastiveLossFunction, B extends Builder<L, B>> {
        @JsonProperty("memoryBudgetBytes")
        long memoryBudgetBytes = Blocking.DEFAULT_MEMORY_BUDGET;
        @JsonProperty("blockRows")
        int blockRows;

        /** Working memory for one block of anchors (default 1 GiB; LossSigLIP 256 MiB); larger batches go in row blocks. */
        public B memoryBudgetBytes(long bytes) {
            this.memoryBudgetBytes = bytes;
            return (B) this;
        }

        /** A fixed number of anchor rows per block (default 0: derived from the memory budget). */
        public B blockRows(int rows) {
            this.blockRows = rows;
            return (B) this;
        }

        public abstract L build();
    }

    private Contract contract() {
        Contract c = contract;
        if (c == null) {
            // two threads may both build one: each is complete and the losses' contracts hold no per-call state
            c = createContract();
            contract = c;
        }
        return c;
    }

    private Contract.Evaluation run(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask,
                                    boolean withGradient) {
        Checks.matrix("preOutput", preOutput);
        if (evaluations != null) {
            evaluations.incrementAndGet();
        }
        // the identity (the usual projection-head output) needs no copy: the losses never write to their input
        INDArray output = activationFn instanceof ActivationIdentity ? preOutput : activationFn.getActivation(preOutput.dup(), true);
        INDArray keep = exampleMask(mask, preOutput);
        Contract contract = contract();
        CrossBatchMemory memory = memory();
        if (memory != null && !contract.takesExtraNegatives()) {
            throw new IllegalStateException(name() + " has a memory queue, but its evaluation takes no extra negatives");
        }
        Contract.Evaluation e = memory == null ? contract.evaluate(labels, output, keep, null, withGradient)
                : memory.evaluate(contract, name(), labels, output, keep, withGradient);
        if (e.valid().rows() > 0 && !warnedNoValidAnchor && e.valid().maxNumber().doubleValue() == 0) {
            warnedNoValidAnchor = true;
            LOG.warn("{}: no row of this batch of {} is a valid anchor (each needs a positive and a negative), so loss and "
                    + "gradient are 0. Check the labels (shape {}); this is logged once per loss.", name(), preOutput.rows(),
                    labels == null ? "null" : Checks.shape(labels));
        }
        return inScoreConvention(e, contract.reduction(), preOutput.rows());
    }

    /**
     * DL4J divides the sum of the rows (and the gradient) by the minibatch size B. Rows that are anchors' losses stay as
     * they are, so the score is their sum over B (the mean over valid anchors when every anchor is valid); rows that
     * are shares of a loss reduced over the whole batch are multiplied by B, so the score is that loss.
     */
    private static Contract.Evaluation inScoreConvention(Contract.Evaluation e, Reduction reduction, long rows) {
        return switch (reduction) {
            case MEAN_OVER_VALID_ANCHORS -> e;
            case SUM -> new Contract.Evaluation(e.rowLoss().muli(rows), e.valid(), e.gradient() == null ? null : e.gradient().muli(rows));
            default -> throw new IllegalStateException("a loss's rows are reduced by MEAN_OVER_VALID_ANCHORS or SUM, not " + reduction);
        };
    }

    private static INDArray backprop(INDArray preOutput, IActivation activationFn, INDArray gradient) {
        return activationFn instanceof ActivationIdentity ? gradient : activationFn.backprop(preOutput.dup(), gradient).getFirst();
    }

    private static double reduce(INDArray rowLoss, boolean average) {
        double sum = rowLoss.sumNumber().doubleValue();
        return average && rowLoss.rows() > 0 ? sum / rowLoss.rows() : sum;
    }

    /** DL4J's per-example mask as a {@code [B, 1]} column; per-output masks have no meaning for these losses. */
    private static INDArray exampleMask(INDArray mask, INDArray preOutput) {
        if (mask == null) {
            return null;
        }
        if (mask.rank() == 2 && mask.columns() != 1 && mask.rows() == preOutput.rows()) {
            throw new IllegalArgumentException("contrastive losses take a per-example mask [" + preOutput.rows()
                    + ", 1]; got a per-output mask of shape " + Checks.shape(mask) + " for preOutput " + Checks.shape(preOutput));
        }
        return Checks.perRowColumn("mask", mask, "preOutput", preOutput);
    }
}
