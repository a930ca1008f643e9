package dev.dl4jlosses.samediff;

import dev.dl4jlosses.core.math.BlockTerms;
import dev.dl4jlosses.core.math.ContrastiveKernel;
import dev.dl4jlosses.core.math.PairMasks;
import dev.dl4jlosses.core.math.SigmoidPairKernel;
import dev.dl4jlosses.core.math.TensorOps;
import dev.dl4jlosses.options.SameIdPairs;
import org.nd4j.autodiff.samediff.SDVariable;

/**
 * SigLIP's sigmoid kernel ({@link SigmoidPairKernel#ofBiasedLogits}) with the bias a scalar of the graph (the detached
 * copy of a learnable variable), for the SameDiff front only: the kernel interface is generic over tensor types, and
 * this bias exists only as an {@link SDVariable}.
 */
final class GraphBiasSigmoidKernel implements ContrastiveKernel {

    private final SDVariable bias;
    private final SameIdPairs sameIdPairs;

    GraphBiasSigmoidKernel(SDVariable bias, SameIdPairs sameIdPairs) {
        this.bias = bias;
        this.sameIdPairs = sameIdPairs;
    }

    @Override
    @SuppressWarnings("unchecked") // T is SDVariable: checked just before
    public <T> BlockTerms<T> terms(TensorOps<T> o, T logits, T positives, T negatives, boolean withGradient) {
        if (!(logits instanceof SDVariable)) {
            throw new IllegalStateException("a graph bias applies to SameDiff logits only, got " + logits.getClass().getName());
        }
        return SigmoidPairKernel.ofBiasedLogits(o, o.add(logits, (T) bias), positives, negatives, withGradient);
    }

    @Override
    public <T> PairMasks<T> queryKeyMasks(TensorOps<T> o, T self, T same) {
        return sameIdPairs.masks(o, self, same);
    }
}
