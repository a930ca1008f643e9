package dev.dl4jlosses.samediff;

import java.util.ArrayList;
import java.util.List;

import dev.dl4jlosses.core.engine.CrossEngine;
import dev.dl4jlosses.core.engine.DistanceEngine;
import dev.dl4jlosses.core.engine.ExtraNegatives;
import dev.dl4jlosses.core.engine.NoiseContrastiveEstimation;
import dev.dl4jlosses.core.engine.PairwiseEngine;
import dev.dl4jlosses.core.math.ContrastiveKernel;
import dev.dl4jlosses.core.math.DistanceKernel;
import dev.dl4jlosses.core.math.NegativeSelection;
import dev.dl4jlosses.core.math.SigmoidPairKernel;
import dev.dl4jlosses.options.SameIdPairs;
import org.nd4j.autodiff.samediff.SDVariable;

/**
 * What each engine computes inside a {@link GraphRunner} node: the engine and kernel on the detached inputs (the whole
 * batch as one block), the parts the loss is reduced over, and the gradients given each part's weight.
 */
final class GraphBodies {

    private GraphBodies() {
    }

    /** One labelled batch (input 0); its rows feed a memory queue. */
    static GraphRunner.Body pairwise(SameDiffOps ops, ContrastiveKernel kernel, NegativeSelection selection, SDVariable labels,
                                     boolean normalize) {
        return c -> {
            SDVariable ids = c.column(labels);
            PairwiseEngine.Prepared<SDVariable> p = PairwiseEngine.prepare(ops, c.input(0), ids, null, c.scale().value(),
                    normalize, c.queued());
            PairwiseEngine.Block<SDVariable> b = PairwiseEngine.block(ops, kernel, selection, p, 0, PairwiseEngine.ALL_ROWS,
                    true, c.scale().isLearnable());
            return new GraphRunner.Terms(List.of(new GraphRunner.Part(b.rowLoss(), b.valid(), 1)), w -> new GraphRunner.Gradients(
                    List.of(w.get(0).apply(PairwiseEngine.embeddingGradient(ops, p, b.gradRows().add(b.gradAll())))),
                    b.gradScale() == null ? null : w.get(0).apply(b.gradScale())), c.input(0), ids);
        };
    }

    /**
     * Queries (input 0) against keys (input 1) and explicit negatives (input 2, or null) or a queue's entries; with
     * {@code symmetric} also keys against queries, each direction half of the loss. The keys feed a memory queue.
     */
    static GraphRunner.Body cross(SameDiffOps ops, ContrastiveKernel kernel, NegativeSelection selection, SDVariable labels,
                                  boolean symmetric, boolean normalize) {
        return c -> {
            SDVariable ids = c.column(labels);
            ExtraNegatives<SDVariable> negatives = c.queued() != null ? c.queued()
                    : c.input(2) == null ? null : new ExtraNegatives<>(c.input(2), null, null);
            CrossEngine.Prepared<SDVariable> p = CrossEngine.prepare(ops, c.input(0), c.input(1), negatives, ids, null,
                    c.scale().value(), normalize);
            boolean learnable = c.scale().isLearnable();
            CrossEngine.Block<SDVariable> forward = CrossEngine.queryBlock(ops, kernel, selection, p, 0, PairwiseEngine.ALL_ROWS,
                    true, learnable, false);
            if (!symmetric) {
                return new GraphRunner.Terms(List.of(new GraphRunner.Part(forward.rowLoss(), forward.valid(), 1)),
                        w -> crossGradients(ops, p, forward, null, w, learnable), c.input(1), ids);
            }
            CrossEngine.Block<SDVariable> backward = CrossEngine.keyBlock(ops, kernel, selection, p, 0, PairwiseEngine.ALL_ROWS,
                    true, learnable, false);
            return new GraphRunner.Terms(List.of(new GraphRunner.Part(forward.rowLoss(), forward.valid(), 0.5),
                    new GraphRunner.Part(backward.rowLoss(), backward.valid(), 0.5)),
                    w -> crossGradients(ops, p, forward, backward, w, learnable), c.input(1), ids);
        };
    }

    /**
     * SigLIP: images (input 0) against texts (input 1), one direction; the bias b is {@code fixedBias} or, when
     * learnable, input 3 (input 2, explicit negatives, is absent), whose gradient is {@code Σ ∂L/∂logits}.
     */
    static GraphRunner.Body sigLip(SameDiffOps ops, double fixedBias, SameIdPairs sameIdPairs, SDVariable labels) {
        return c -> {
            SDVariable learnedBias = c.input(3);
            ContrastiveKernel kernel = learnedBias == null ? new SigmoidPairKernel(fixedBias, sameIdPairs)
                    : new GraphBiasSigmoidKernel(learnedBias, sameIdPairs);
            CrossEngine.Prepared<SDVariable> p = CrossEngine.prepare(ops, c.input(0), c.input(1), null, c.column(labels), null,
                    c.scale().value(), true);
            boolean learnable = c.scale().isLearnable();
            CrossEngine.Block<SDVariable> b = CrossEngine.queryBlock(ops, kernel, null, p, 0, PairwiseEngine.ALL_ROWS, true,
                    learnable, learnedBias != null);
            return new GraphRunner.Terms(List.of(new GraphRunner.Part(b.rowLoss(), b.valid(), 1)), w -> {
                GraphRunner.Gradients g = crossGradients(ops, p, b, null, w, learnable);
                List<SDVariable> inputs = new ArrayList<>(g.inputs());
                inputs.add(learnedBias == null ? null : w.get(0).apply(b.gradBias()));
                return new GraphRunner.Gradients(inputs, g.scale());
            });
        };
    }

    /** One labelled batch (input 0), reduced over its pairs or triplets by the kernel: the rows sum to the loss. */
    static GraphRunner.Body distance(SameDiffOps ops, DistanceKernel kernel, SDVariable labels, boolean normalize) {
        return c -> {
            DistanceEngine.Output<SDVariable> out = DistanceEngine.evaluate(ops, kernel, c.input(0), c.column(labels), null,
                    normalize, true);
            return new GraphRunner.Terms(List.of(new GraphRunner.Part(out.rowLoss(), out.valid(), 1)),
                    w -> new GraphRunner.Gradients(List.of(w.get(0).apply(out.gradient())), null));
        };
    }

    /** Anchors, positives and noise samples (inputs 0 to 2) with their log noise probabilities. */
    static GraphRunner.Body nce(SameDiffOps ops, SDVariable logNoisePositives, SDVariable logNoise, int noisePerAnchor,
                                double scale, boolean normalize) {
        return c -> {
            SDVariable logNoiseRow = c.sd().reshape(logNoise.castTo(c.type()), 1, -1);
            NoiseContrastiveEstimation.Output<SDVariable> out = NoiseContrastiveEstimation.evaluate(ops, c.input(0), c.input(1),
                    c.input(2), c.column(logNoisePositives), logNoiseRow, noisePerAnchor, null, scale, normalize, true);
            return new GraphRunner.Terms(List.of(new GraphRunner.Part(out.rowLoss(), out.valid(), 1)),
                    w -> new GraphRunner.Gradients(List.of(w.get(0).apply(out.gradAnchors()), w.get(0).apply(out.gradPositives()),
                            w.get(0).apply(out.gradNoise())), null));
        };
    }

    /** The queries', keys' and explicit negatives' gradients from both directions, each weighted by its reduction. */
    private static GraphRunner.Gradients crossGradients(SameDiffOps ops, CrossEngine.Prepared<SDVariable> p,
                                                        CrossEngine.Block<SDVariable> forward,
                                                        CrossEngine.Block<SDVariable> backward, List<GraphRunner.Weight> w,
                                                        boolean learnable) {
        SDVariable gradQueries = w.get(0).apply(forward.gradRows());
        SDVariable gradCandidates = w.get(0).apply(forward.gradOther());
        SDVariable gradScale = learnable ? w.get(0).apply(forward.gradScale()) : null;
        SDVariable gradKeys = null;
        if (backward != null) {
            gradQueries = gradQueries.add(w.get(1).apply(backward.gradOther()));
            gradKeys = w.get(1).apply(backward.gradRows());
            gradScale = learnable ? gradScale.add(w.get(1).apply(backward.gradScale())) : null;
        }
        return new GraphRunner.Gradients(CrossEngine.inputGradients(ops, p, gradQueries, gradCandidates, gradKeys), gradScale);
    }
}
