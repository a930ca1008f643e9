package dev.dl4jlosses.samediff;

import dev.dl4jlosses.core.math.DebiasedContrastiveKernel;
import dev.dl4jlosses.core.math.DecoupledContrastiveKernel;
import dev.dl4jlosses.core.math.MultiSimilarityKernel;
import dev.dl4jlosses.options.HardNegatives;
import dev.dl4jlosses.options.LogitScale;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * The losses that re-weight the terms of NT-Xent or of the pairs of one labelled batch, as SameDiff nodes: decoupled
 * contrastive learning (DCL, DCLW: the positive out of the denominator, positives weighted), the debiased loss and
 * HCL (negatives re-weighted by a false-negative prior and their hardness) and multi-similarity (pairs weighted by
 * their similarity, optional mining). Conventions, checks and the graph they build are those of
 * {@link SDContrastive}; the DL4J front is {@code LossDCL}, {@code LossDebiasedContrastive} and
 * {@code LossMultiSimilarity}.
 *
 * <pre>{@code
 * SDVariable loss = new SDReweightedContrastive(sd).debiasedContrastive("loss", z, ids, 0.5, 0.1, 1, true);  // HCL
 * }</pre>
 */
public final class SDReweightedContrastive {

    private final SDContrastive graph;

    public SDReweightedContrastive(SameDiff sd) {
        this.graph = new SDContrastive(sd);
    }

    /**
     * Decoupled contrastive learning (Yeh et al. 2022): NT-Xent without the positive in the denominator; constant or
     * learnable temperature, hardest negatives only (or null for all). See {@code LossDCL}.
     */
    public SDVariable dcl(String name, SDVariable embeddings, SDVariable labels, LogitScale scale, boolean normalize,
                          HardNegatives hardNegatives) {
        return graph.pairwise(name, "dcl", DecoupledContrastiveKernel.UNWEIGHTED, hardNegatives, embeddings, labels, normalize, scale, null);
    }

    /** DCLW: DCL with the positive pairs weighted by {@code 2 - N·softmax(s_ii'/σ)} over the batch. See {@code LossDCL}. */
    public SDVariable dclw(String name, SDVariable embeddings, SDVariable labels, double temperature, double sigma,
                           boolean normalize) {
        return graph.pairwise(name, "dclw", DecoupledContrastiveKernel.weighted(sigma, temperature), null, embeddings, labels,
                normalize, LogitScale.fixed(temperature), null);
    }

    /**
     * Debiased contrastive loss (Chuang et al. 2020, {@code beta = 0}) and HCL (Robinson et al. 2021, {@code beta > 0}):
     * τ > 0, τ⁺ in [0, 1) (defaults 0.5, 0.1, 1). See {@code LossDebiasedContrastive}.
     */
    public SDVariable debiasedContrastive(String name, SDVariable embeddings, SDVariable labels, double temperature,
                                          double tauPlus, double beta, boolean normalize) {
        return graph.pairwise(name, "debiasedContrastive", new DebiasedContrastiveKernel(temperature, tauPlus, beta), null,
                embeddings, labels, normalize, LogitScale.fixed(temperature), null);
    }

    /**
     * Multi-similarity loss (Wang et al. 2019), cosine similarity (defaults α = 2, β = 50, λ = 0.5); with
     * {@code miningEpsilon} non-null, the pairs of the multi-similarity miner of that ε (0.1) only. See {@code LossMultiSimilarity}.
     */
    public SDVariable multiSimilarity(String name, SDVariable embeddings, SDVariable labels, double alpha, double beta,
                                      double base, Double miningEpsilon) {
        return graph.pairwise(name, "multiSimilarity", miningEpsilon == null ? new MultiSimilarityKernel(alpha, beta, base)
                : MultiSimilarityKernel.withMining(alpha, beta, base, miningEpsilon), null, embeddings, labels, true, LogitScale.fixed(1.0), null);
    }
}
