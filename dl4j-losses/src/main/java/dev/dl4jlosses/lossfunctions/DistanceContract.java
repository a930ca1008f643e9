package dev.dl4jlosses.lossfunctions;

import dev.dl4jlosses.core.eager.DistanceEvaluator;
import dev.dl4jlosses.core.math.DistanceKernel;
import dev.dl4jlosses.core.math.Reduction;
import dev.dl4jlosses.options.MemoryQueue;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One embedding matrix {@code [B, d]} and a {@code [B, 1]} column of class ids, reduced over the pairs or triplets of
 * the whole batch (contrastive margin, triplet, lifted structure): a {@link DistanceEvaluator}, whose rows are shares
 * of the loss.
 */
record DistanceContract(DistanceEvaluator evaluator) implements Contract {

    DistanceContract(DistanceKernel kernel, boolean normalize) {
        this(new DistanceEvaluator(kernel, normalize));
    }

    @Override
    public Evaluation evaluate(INDArray labels, INDArray output, INDArray keep, MemoryQueue.Entries queued,
                               boolean withGradient) {
        DistanceEvaluator.Result r = evaluator.evaluate(output, labels, keep, withGradient);
        return new Evaluation(r.rowLoss(), r.valid(), r.gradient());
    }

    @Override
    public Reduction reduction() {
        return Reduction.SUM;
    }
}
