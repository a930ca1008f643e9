package dev.dl4jlosses.examples.simclr;

import dev.dl4jlosses.core.HardNegatives;
import dev.dl4jlosses.lossfunctions.LossCircle;
import dev.dl4jlosses.lossfunctions.LossInfoNCE;
import dev.dl4jlosses.lossfunctions.LossNTXent;
import dev.dl4jlosses.lossfunctions.LossSimple;
import dev.dl4jlosses.lossfunctions.LossSupCon;
import dev.dl4jlosses.samediff.SDContrastive;
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
    /** InfoNCE from view 1 (queries) to view 2 (keys), symmetric; SameDiff front only (one MultiLayerNetwork output can't hold both towers). */
    INFONCE(false, false);

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

    /** Whether the loss has a temperature (circle loss uses margin and gamma, L_simple its lambda). */
    public boolean usesTemperature() {
        return this != CIRCLE && this != SIMPLE;
    }

    /** The loss's own default temperature, NaN for a loss without one. */
    public double defaultTemperature() {
        return switch (this) {
            case NTXENT -> LossNTXent.DEFAULT_TEMPERATURE;
            case SUPCON -> LossSupCon.DEFAULT_TEMPERATURE;
            case CIRCLE, SIMPLE -> Double.NaN;
            case INFONCE -> LossInfoNCE.DEFAULT_TEMPERATURE;
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
        if (hardNegatives != null && !usesTemperature()) {
            throw new IllegalArgumentException("--hard-negatives applies to ntxent, supcon and infonce, not to "
                    + name().toLowerCase(java.util.Locale.ROOT) + " (it has no softmax over negatives to truncate)");
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
            case INFONCE -> throw new IllegalStateException("unreachable: checked above");
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
        return switch (this) {
            case NTXENT -> losses.ntXent(name, z, labels, temperature, true, hardNegatives);
            case SUPCON -> losses.supCon(name, z, labels, temperature, true, hardNegatives);
            case CIRCLE -> losses.circle(name, z, labels, LossCircle.DEFAULT_MARGIN, LossCircle.DEFAULT_GAMMA);
            case SIMPLE -> losses.simple(name, z, labels, LossSimple.DEFAULT_LAMBDA);
            case INFONCE -> {
                SDVariable[] views = sd.split(z, 2, 0);
                yield losses.infoNce(name, views[0], views[1], null, null, temperature, true, hardNegatives);
            }
        };
    }
}
