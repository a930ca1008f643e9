package dev.dl4jlosses.lossfunctions;

import dev.dl4jlosses.core.math.ContrastiveKernel;
import dev.dl4jlosses.core.math.SoftmaxCrossEntropyKernel;
import dev.dl4jlosses.options.HardNegatives;
import org.nd4j.shade.jackson.databind.annotation.JsonDeserialize;

/**
 * Supervised contrastive loss, SupCon {@code L_out} (Khosla et al. 2020).
 *
 * <p>Anchor loss: {@code -(1/|P(i)|) Σ_{p ∈ P(i)} log( e^{s_ip/τ} / Σ_{k ≠ i} e^{s_ik/τ} )}, where {@code P(i)} are
 * the other rows with the anchor's id; the mean over valid anchors (at least one positive and one negative). Unlike
 * NT-Xent, the other positives stay in the denominator. Default τ = 0.1, cosine similarity, all negatives;
 * {@code hardNegatives(h)} keeps in the denominator only the positives and the negatives {@link HardNegatives} h keeps
 * for anchor i (e.g. {@code LossSupCon.builder().hardNegatives(HardNegatives.threshold(0.2)).build()}).
 *
 * <p>When every id occurs exactly twice this is NT-Xent, and with cosine similarity and no mask, hard-negative
 * selection or memory queue it takes NT-Xent's fast path (see {@link LossNTXent}).
 *
 * <p>Labels: a {@code [B, 1]} column of class ids (all augmented views of all images of a class share the id):
 * <pre>{@code
 * .layer(new OutputLayer.Builder(new LossSupCon(0.1)).nIn(256).nOut(128).activation(Activation.IDENTITY).build())
 * net.fit(new DataSet(features, classIds));   // classIds: [B, 1]
 * }</pre>
 */
@JsonDeserialize(builder = LossSupCon.Builder.class)
public final class LossSupCon extends TemperatureScaledLoss {

    public static final double DEFAULT_TEMPERATURE = 0.1;

    /** τ = 0.1, cosine similarity. */
    public LossSupCon() {
        this(DEFAULT_TEMPERATURE);
    }

    public LossSupCon(double temperature) {
        this(builder().temperature(temperature));
    }

    private LossSupCon(Builder builder) {
        super(builder);
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    protected ContrastiveKernel kernel() {
        return SoftmaxCrossEntropyKernel.INSTANCE;
    }

    public static final class Builder extends TemperatureScaledLoss.Builder<LossSupCon, Builder> {
        private Builder() {
            super(DEFAULT_TEMPERATURE);
        }

        @Override
        public LossSupCon build() {
            return new LossSupCon(this);
        }
    }
}
