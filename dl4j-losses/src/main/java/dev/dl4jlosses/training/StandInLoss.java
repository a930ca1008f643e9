package dev.dl4jlosses.training;

import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/**
 * What the output layer holds in place of the real loss while {@link CachedContrastiveTrainer} runs a chunk through
 * the network, so that the chunk goes through DL4J's own forward and backward code (preprocessors, the output layer's
 * activation, workspaces) and the loss is evaluated once, on the whole batch, outside the network.
 *
 * <p>{@link PreOutputRecorder} copies the output layer's pre-activations of a chunk into the rows of a batch matrix (the
 * network's {@code score(data, true)} asks for them without a backward pass); {@link #GIVEN_GRADIENT} hands the
 * network, as the gradient w.r.t. the pre-activations, the "labels" it was given: the chunk's slice of the batch
 * loss's gradient.
 */
abstract class StandInLoss implements ILossFunction {

    /** The gradient w.r.t. the pre-activations is the labels array: the trainer sets the loss gradient's slice as labels. */
    static final StandInLoss GIVEN_GRADIENT = new StandInLoss() {
        @Override
        public INDArray computeGradient(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
            return labels.dup();
        }
    };

    /** Copies each chunk's pre-activations into the rows of one batch matrix, allocated at the first chunk. */
    static final class PreOutputRecorder extends StandInLoss {

        private final long batchRows;
        private INDArray batch;
        private long firstRow;

        PreOutputRecorder(long batchRows) {
            this.batchRows = batchRows;
        }

        /** The next chunk's first row in the batch. */
        void startAt(long row) {
            firstRow = row;
        }

        /** The pre-activations recorded so far, {@code [batchRows, nOut]}, outside any workspace. */
        INDArray batch() {
            return batch;
        }

        @Override
        public double computeScore(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask,
                                   boolean average) {
            if (batch == null) {
                batch = Nd4j.createUninitializedDetached(preOutput.dataType(), batchRows, preOutput.columns());
            }
            batch.get(NDArrayIndex.interval(firstRow, firstRow + preOutput.rows()), NDArrayIndex.all()).assign(preOutput);
            return 0;
        }
    }

    /** Called by the network for a score nobody reads: the trainer computes the score from the real loss. */
    @Override
    public double computeScore(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask, boolean average) {
        return 0;
    }

    @Override
    public INDArray computeGradient(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        throw new IllegalStateException("the pre-activation recorder of CachedContrastiveTrainer computes no gradient");
    }

    @Override
    public INDArray computeScoreArray(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        throw new IllegalStateException("the stand-in loss of CachedContrastiveTrainer is not asked for per-example scores");
    }

    @Override
    public Pair<Double, INDArray> computeGradientAndScore(INDArray labels, INDArray preOutput, IActivation activationFn,
                                                          INDArray mask, boolean average) {
        return new Pair<>(computeScore(labels, preOutput, activationFn, mask, average),
                computeGradient(labels, preOutput, activationFn, mask));
    }

    @Override
    public String name() {
        return "CachedContrastiveTrainer stand-in";
    }
}
