package dev.dl4jlosses.core.engine;

import dev.dl4jlosses.core.math.BlockTerms;
import dev.dl4jlosses.core.math.ContrastiveKernel;
import dev.dl4jlosses.core.math.NegativeSelection;
import dev.dl4jlosses.core.math.PairMasks;
import dev.dl4jlosses.core.math.TensorOps;

/**
 * What the logit engines share for one block: each anchor's negatives narrowed by the selection (on the similarities,
 * before the scale), the kernel on the block's logits, and {@code ∂ℓ/∂s = Σ (∂ℓ/∂L ⊙ L) / s}.
 *
 * @param gradScale the scalar {@code ∂ℓ/∂s}, or null when not asked for
 */
record KernelTerms<T>(BlockTerms<T> terms, T gradScale) {

    /** @param selection which negatives each anchor keeps, or null for all */
    static <T> KernelTerms<T> of(TensorOps<T> o, ContrastiveKernel kernel, NegativeSelection selection, T logits,
                                 PairMasks<T> masks, T scale, boolean withGradient, boolean withScaleGradient) {
        PairMasks<T> kept = selection == null ? masks
                : masks.withNegatives(selection.select(o, o.div(logits, scale), masks.negatives()));
        BlockTerms<T> terms = kernel.terms(o, logits, kept.positives(), kept.negatives(), withGradient);
        T gradScale = withGradient && withScaleGradient ? o.div(o.sum(o.mul(terms.gradLogits(), logits)), scale) : null;
        return new KernelTerms<>(terms, gradScale);
    }
}
