package dev.dl4jlosses.examples.common;

import org.nd4j.autodiff.listeners.At;
import org.nd4j.autodiff.listeners.BaseListener;
import org.nd4j.autodiff.listeners.Loss;
import org.nd4j.autodiff.listeners.Operation;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/** The loss of a SameDiff graph's latest training iteration (M2.1's {@code fit} on one batch returns no loss curve). */
public final class LastLoss extends BaseListener {

    private final String lossName;
    private double value = Double.NaN;

    /** @param lossName the graph's loss variable */
    public LastLoss(String lossName) {
        this.lossName = lossName;
    }

    public double value() {
        return value;
    }

    @Override
    public boolean isActive(Operation operation) {
        return operation == Operation.TRAINING;
    }

    @Override
    public void iterationDone(SameDiff sd, At at, MultiDataSet dataSet, Loss loss) {
        value = loss.getLoss(lossName);
    }
}
