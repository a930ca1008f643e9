package dev.dl4jlosses.examples.simclr;

import org.nd4j.autodiff.listeners.At;
import org.nd4j.autodiff.listeners.BaseListener;
import org.nd4j.autodiff.listeners.Operation;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * Keeps the running averages of the SameDiff encoder's batch normalisation as DL4J's {@code BatchNormalization} layer
 * does: after each training step's forward pass, {@code r ← decay · r + (1 − decay) · batch} for the mean and the
 * (biased) variance of every batch-norm layer. The averages are graph constants ({@code "<layer>_mean"},
 * {@code "<layer>_var"}), so {@code sd.save} keeps them; only training steps update them, inference leaves them alone.
 */
public final class BatchNormStatistics extends BaseListener {

    private static final String MEAN_SUFFIX = "_batch_mean";
    private static final String VARIANCE_SUFFIX = "_batch_var";

    static String batchMean(int layer) {
        return layer + MEAN_SUFFIX;
    }

    static String batchVariance(int layer) {
        return layer + VARIANCE_SUFFIX;
    }

    @Override
    public boolean isActive(Operation operation) {
        return operation == Operation.TRAINING;
    }

    @Override
    public void activationAvailable(SameDiff sd, At at, MultiDataSet batch, SameDiffOp op, String varName, INDArray activation) {
        String running = varName.endsWith(MEAN_SUFFIX) ? varName.replace(MEAN_SUFFIX, "_mean")
                : varName.endsWith(VARIANCE_SUFFIX) ? varName.replace(VARIANCE_SUFFIX, "_var") : null;
        if (running != null) {
            // updated in place at once: the session may reuse the activation's array for a later op
            INDArray average = sd.getVariable(running).getArr();
            average.muli(Encoder.BN_DECAY).addi(activation.reshape(average.shape()).mul(1 - Encoder.BN_DECAY));
        }
    }
}
