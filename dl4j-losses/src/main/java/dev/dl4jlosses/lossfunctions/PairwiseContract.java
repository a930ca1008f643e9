package dev.dl4jlosses.lossfunctions;

import dev.dl4jlosses.core.eager.Blocking;
import dev.dl4jlosses.core.eager.PairwiseEvaluator;
import dev.dl4jlosses.core.math.ContrastiveKernel;
import dev.dl4jlosses.core.math.NegativeSelection;
import dev.dl4jlosses.options.MemoryQueue;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One embedding matrix {@code [B, d]} whose rows are each other's candidates, labels a {@code [B, 1]} column of ids
 * (NT-Xent, SupCon, circle, L_simple): a {@link PairwiseEvaluator} of the loss's kernel.
 */
record PairwiseContract(PairwiseEvaluator evaluator) implements Contract {

    PairwiseContract(ContrastiveKernel kernel, NegativeSelection selection, boolean normalize, double scale, Blocking blocking) {
        this(new PairwiseEvaluator(kernel, selection, normalize, scale, blocking));
    }

    @Override
    public Evaluation evaluate(INDArray labels, INDArray output, INDArray keep, MemoryQueue.Entries queued,
                               boolean withGradient) {
        PairwiseEvaluator.Result r = evaluator.evaluate(output, labels, keep, queued == null ? null : queued.keys(),
                queued == null ? null : queued.ids(), withGradient);
        return new Evaluation(r.rowLoss(), r.valid(), r.gradient());
    }

    @Override
    public boolean takesExtraNegatives() {
        return true;
    }
}
