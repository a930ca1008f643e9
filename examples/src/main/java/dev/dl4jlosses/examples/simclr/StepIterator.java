package dev.dl4jlosses.examples.simclr;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.NoSuchElementException;
import java.util.function.DoubleSupplier;
import java.util.function.Function;

import dev.dl4jlosses.examples.images.AugmentedPairs;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.dataset.api.MultiDataSetPreProcessor;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;

/**
 * The batches of a run as the iterator one {@code sd.fit} consumes. SameDiff asks for the next batch only after the
 * previous step is complete (updated weights, iteration count incremented), so that is where the previous step's
 * {@link TrainingFront.StepDone} runs; the last step's runs when the batches end. Not asynchronous: SameDiff would
 * otherwise prefetch on another thread and the step bookkeeping would run ahead of training.
 */
final class StepIterator implements MultiDataSetIterator {

    private final AugmentedPairs batches;
    private final Function<AugmentedPairs.Batch, MultiDataSet> toDataSet;
    private final TrainingFront.StepDone done;
    private final DoubleSupplier lastLoss;
    private AugmentedPairs.Batch previous;
    private AugmentedPairs.Batch upcoming;
    private boolean ended;

    StepIterator(AugmentedPairs batches, Function<AugmentedPairs.Batch, MultiDataSet> toDataSet, TrainingFront.StepDone done,
                 DoubleSupplier lastLoss) {
        this.batches = batches;
        this.toDataSet = toDataSet;
        this.done = done;
        this.lastLoss = lastLoss;
    }

    @Override
    public boolean hasNext() {
        if (upcoming == null && !ended) {
            finishPrevious();
            try {
                upcoming = batches.next();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the next batch", e);
            }
            ended = upcoming == null;
        }
        return upcoming != null;
    }

    @Override
    public MultiDataSet next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        previous = upcoming;
        upcoming = null;
        return toDataSet.apply(previous);
    }

    private void finishPrevious() {
        if (previous != null) {
            AugmentedPairs.Batch step = previous;
            previous = null;
            try {
                done.after(step, lastLoss.getAsDouble());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Override
    public MultiDataSet next(int num) {
        throw new UnsupportedOperationException("batches come from the augmentation thread, one step each");
    }

    @Override
    public void setPreProcessor(MultiDataSetPreProcessor preProcessor) {
        throw new UnsupportedOperationException("no pre-processing: the batches are augmented already");
    }

    @Override
    public MultiDataSetPreProcessor getPreProcessor() {
        return null;
    }

    @Override
    public boolean resetSupported() {
        return false;
    }

    @Override
    public boolean asyncSupported() {
        return false;
    }

    @Override
    public void reset() {
        throw new UnsupportedOperationException("a run's batches are consumed once");
    }
}
