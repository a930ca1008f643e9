package dev.dl4jlosses.examples.simclr;

import dev.dl4jlosses.lossfunctions.LossCircle;
import dev.dl4jlosses.lossfunctions.LossContrastiveMargin;
import dev.dl4jlosses.lossfunctions.LossDCL;
import dev.dl4jlosses.lossfunctions.LossDebiasedContrastive;
import dev.dl4jlosses.lossfunctions.LossInfoNCE;
import dev.dl4jlosses.lossfunctions.LossLiftedStructure;
import dev.dl4jlosses.lossfunctions.LossMultiSimilarity;
import dev.dl4jlosses.lossfunctions.LossNTXent;
import dev.dl4jlosses.lossfunctions.LossSimple;
import dev.dl4jlosses.lossfunctions.LossSupCon;
import dev.dl4jlosses.lossfunctions.LossTripletMargin;
import dev.dl4jlosses.options.HardNegatives;
import dev.dl4jlosses.options.LogitScale;
import dev.dl4jlosses.options.SameIdPairs;
import dev.dl4jlosses.samediff.SDContrastive;
import dev.dl4jlosses.samediff.SDReweightedContrastive;
import dev.dl4jlosses.samediff.SDSigLip;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/** The library losses the SimCLR example can train with, on either front. */
public enum LossChoice {
    /** SimCLR's NT-Xent: positives are the two views of an image. */
    NTXENT(false, true),
    /** Supervised contrastive (SupCon): positives are all views of the same class. */
    SUPCON(true, true),
    /** Circle loss on the views' image ids (uses margin and gamma, not the temperature). */
    CIRCLE(false, true),
    /** L_simple (Wang &amp; Liu 2021): the non-hardness-aware baseline, every negative weighs alike (uses lambda = 1, not the temperature). */
    SIMPLE(false, true),
    /** Contrastive margin loss (Hadsell 2006) on the views' image ids, pytorch-metric-learning's margins 0 and 1. */
    CONTRASTIVE(false, true),
    /** Triplet margin loss over all triplets of the batch (Schroff 2015), margin 0.05. */
    TRIPLET(false, true),
    /** Batch-hard triplet loss (Hermans 2017): each anchor's farthest positive and nearest negative, margin 0.05. */
    BATCHHARD(false, true),
    /** Lifted structured loss, smooth form (Song 2016). */
    LIFTED(false, true),
    /** Multi-class N-pair loss (Sohn 2016) from view 1 (anchors) to view 2 (positives); SameDiff front only. */
    NPAIRS(false, false),
    /** InfoNCE from view 1 (queries) to view 2 (keys), symmetric; SameDiff front only (one MultiLayerNetwork output can't hold both towers). */
    INFONCE(false, false),
    /** Decoupled contrastive learning (Yeh 2022): NT-Xent without the positive in the denominator, τ = 0.1. */
    DCL(false, true),
    /** DCLW (Yeh 2022): DCL with the positives weighted by their batch softmax, τ = 0.1, σ = 0.5. */
    DCLW(false, true),
    /** Hard-negative-weighted debiased loss HCL (Robinson 2021), τ = 0.5, τ⁺ = 0.1, β = 1. */
    HCL(false, true),
    /** Debiased contrastive loss (Chuang 2020), τ = 0.5, τ⁺ = 0.1. */
    DEBIASED(false, true),
    /** Multi-similarity loss (Wang 2019) on the views' image ids, α = 2, β = 50, λ = 0.5, no mining. */
    MULTISIM(false, true),
    /**
     * SigLIP's sigmoid loss (Zhai 2023) from view 1 (images) to view 2 (texts), with learnable t and b starting at 10 and
     * -10; SameDiff front only (one MultiLayerNetwork output can't hold both towers).
     */
    SIGLIP(false, false);

    private final boolean classLabels;
    private final boolean dl4j;

    LossChoice(boolean classLabels, boolean dl4j) {
        this.classLabels = classLabels;
        this.dl4j = dl4j;
    }

    /** Whether positives are defined by class labels (supervised) instead of image ids. */
    public boolean usesClassLabels() {
        return classLabels;
    }

    /** Whether the loss has a temperature (the others use their own defaults: margins, gamma, lambda). */
    public boolean usesTemperature() {
        return switch (this) {
            case NTXENT, SUPCON, INFONCE, DCL, DCLW, HCL, DEBIASED -> true;
            case CIRCLE, SIMPLE, CONTRASTIVE, TRIPLET, BATCHHARD, LIFTED, NPAIRS, MULTISIM, SIGLIP -> false;
        };
    }

    /** The loss's own default temperature, NaN for a loss without one. */
    public double defaultTemperature() {
        return switch (this) {
            case NTXENT -> LossNTXent.DEFAULT_TEMPERATURE;
            case SUPCON -> LossSupCon.DEFAULT_TEMPERATURE;
            case CIRCLE, SIMPLE, CONTRASTIVE, TRIPLET, BATCHHARD, LIFTED, NPAIRS, MULTISIM, SIGLIP -> Double.NaN;
            case INFONCE -> LossInfoNCE.DEFAULT_TEMPERATURE;
            case DCL, DCLW -> LossDCL.DEFAULT_TEMPERATURE;
            case HCL, DEBIASED -> LossDebiasedContrastive.DEFAULT_TEMPERATURE;
        };
    }

    /** Fails with the reason when this loss cannot be trained on the chosen front. */
    public void checkFront(boolean sameDiff) {
        if (!sameDiff && !dl4j) {
            throw new IllegalArgumentException("--loss " + name().toLowerCase(java.util.Locale.ROOT) + " needs --front samediff: a "
                    + "MultiLayerNetwork's single output cannot hold the query and key towers side by side (use ntxent, the "
                    + "symmetric two-view form, instead)");
        }
    }

    /** @param hardNegatives which negatives each anchor keeps (NT-Xent, SupCon, InfoNCE), or null for all */
    private void checkHardNegatives(HardNegatives hardNegatives) {
        if (hardNegatives != null && this != NTXENT && this != SUPCON && this != INFONCE) {
            throw new IllegalArgumentException("--hard-negatives applies to ntxent, supcon and infonce, not to "
                    + name().toLowerCase(java.util.Locale.ROOT) + " (the option is offered there only)");
        }
    }

    public ILossFunction dl4j(double temperature, HardNegatives hardNegatives) {
        checkFront(false);
        checkHardNegatives(hardNegatives);
        return switch (this) {
            case NTXENT -> LossNTXent.builder().temperature(temperature).hardNegatives(hardNegatives).build();
            case SUPCON -> LossSupCon.builder().temperature(temperature).hardNegatives(hardNegatives).build();
            case CIRCLE -> new LossCircle();
            case SIMPLE -> new LossSimple();
            case CONTRASTIVE -> new LossContrastiveMargin();
            case TRIPLET -> new LossTripletMargin();
            case BATCHHARD -> LossTripletMargin.builder().batchHard(true).build();
            case LIFTED -> new LossLiftedStructure();
            case DCL -> LossDCL.builder().temperature(temperature).build();
            case DCLW -> LossDCL.builder().temperature(temperature).weighted(true).build();
            case HCL -> LossDebiasedContrastive.builder().temperature(temperature).build();
            case DEBIASED -> LossDebiasedContrastive.builder().temperature(temperature).beta(0).build();
            case MULTISIM -> new LossMultiSimilarity();
            case INFONCE, NPAIRS, SIGLIP -> throw new IllegalStateException("unreachable: checked above");
        };
    }

    /**
     * The loss node on projections {@code z} ({@code [2N, d]}: view 1 rows, then view 2 rows) and label ids
     * ({@code [2N, 1]}).
     */
    public SDVariable sameDiff(SameDiff sd, String name, SDVariable z, SDVariable labels, double temperature,
                               HardNegatives hardNegatives) {
        checkHardNegatives(hardNegatives);
        SDContrastive losses = new SDContrastive(sd);
        SDReweightedContrastive reweighted = new SDReweightedContrastive(sd);
        return switch (this) {
            // the views' layout is the batch's (view 1 rows, then view 2 rows, image i at row i of both), so without hard
            // negatives NT-Xent is simClr on the two halves: the graph then knows each anchor's positive and takes the
            // two-view form (no ids, a few N×N arrays instead of the general path's dozens)
            case NTXENT -> hardNegatives == null ? simClr(sd, losses, name, z, temperature)
                    : losses.ntXent(name, z, labels, temperature, true, hardNegatives);
            case SUPCON -> losses.supCon(name, z, labels, temperature, true, hardNegatives);
            case CIRCLE -> losses.circle(name, z, labels, LossCircle.DEFAULT_MARGIN, LossCircle.DEFAULT_GAMMA);
            case SIMPLE -> losses.simple(name, z, labels, LossSimple.DEFAULT_LAMBDA);
            case CONTRASTIVE -> losses.contrastiveMargin(name, z, labels);
            case TRIPLET -> losses.tripletMargin(name, z, labels, LossTripletMargin.DEFAULT_MARGIN);
            case BATCHHARD -> losses.tripletMargin(name, z, labels, LossTripletMargin.DEFAULT_MARGIN, true, true);
            case LIFTED -> losses.liftedStructure(name, z, labels);
            case NPAIRS -> {
                SDVariable[] views = sd.split(z, 2, 0);
                yield losses.nPairs(name, views[0], views[1], null, true);
            }
            case INFONCE -> {
                SDVariable[] views = sd.split(z, 2, 0);
                yield losses.infoNce(name, views[0], views[1], null, null, temperature, true, hardNegatives);
            }
            case DCL -> reweighted.dcl(name, z, labels, LogitScale.fixed(temperature), true, null);
            case DCLW -> reweighted.dclw(name, z, labels, temperature, LossDCL.DEFAULT_SIGMA, true);
            case HCL, DEBIASED -> reweighted.debiasedContrastive(name, z, labels, temperature,
                    LossDebiasedContrastive.DEFAULT_TAU_PLUS, this == HCL ? LossDebiasedContrastive.DEFAULT_BETA : 0, true);
            case MULTISIM -> reweighted.multiSimilarity(name, z, labels, LossMultiSimilarity.DEFAULT_ALPHA,
                    LossMultiSimilarity.DEFAULT_BETA, LossMultiSimilarity.DEFAULT_BASE, null);
            case SIGLIP -> {
                // image i of view 1 against image i of view 2: distinct images, so no ids are needed
                SDVariable[] views = sd.split(z, 2, 0);
                yield new SDSigLip(sd).sigLip(name, views[0], views[1], null,
                        LogitScale.learnable(SDSigLip.logScale(sd, name + "_log_t")), SDSigLip.bias(sd, name + "_bias"),
                        SameIdPairs.EXCLUDED);
            }
        };
    }

    private static SDVariable simClr(SameDiff sd, SDContrastive losses, String name, SDVariable z, double temperature) {
        SDVariable[] views = sd.split(z, 2, 0);
        return losses.simClr(name, views[0], views[1], temperature);
    }
}
