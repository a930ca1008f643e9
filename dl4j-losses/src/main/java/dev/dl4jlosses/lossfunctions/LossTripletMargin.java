package dev.dl4jlosses.lossfunctions;

import dev.dl4jlosses.core.Checks;
import dev.dl4jlosses.core.math.BatchHardTripletKernel;
import dev.dl4jlosses.core.math.DistanceKernel;
import dev.dl4jlosses.core.math.TripletMarginKernel;
import org.nd4j.shade.jackson.annotation.JsonProperty;
import org.nd4j.shade.jackson.databind.annotation.JsonDeserialize;

/**
 * The triplet margin loss (Schroff, Kalenichenko &amp; Philbin 2015) over all valid triplets of the batch, or its
 * batch-hard variant (Hermans, Beyer &amp; Leibe 2017).
 *
 * <p>With {@code d} the Euclidean distance of the L2-normalised rows: all triplets,
 * {@code L = Σ_{(a,p,n)} [d_ap - d_an + m]_+ / |T_{>0}|} over every {@code (a, p, n)} with {@code p ≠ a} of the
 * anchor's class and {@code n} of another; batch-hard ({@code batchHard(true)}), one triplet per anchor, its farthest
 * positive and nearest negative, {@code ℓ_a = [max_p d_ap - min_n d_an + m]_+}, {@code L = Σ_a ℓ_a / |{a : ℓ_a > 0}|}.
 * Both average over the non-zero terms. Default m = 0.05, all triplets: pytorch-metric-learning's
 * {@code TripletMarginLoss()} (batch-hard: with its {@code BatchHardMiner}). Hermans et al. use raw (unnormalised)
 * embeddings and a mean over all anchors; {@code normalize(false)} gives the former. The all-triplets form needs
 * {@code O(B³)} memory (349 MB of float32 temporaries at B = 256, see {@link TripletMarginKernel}); batch-hard
 * {@code O(B²)}. See {@link DistanceLossFunction}
 * for how the score is reported.
 *
 * <pre>{@code
 * .layer(new OutputLayer.Builder(LossTripletMargin.builder().margin(0.2).batchHard(true).build())
 *         .nIn(256).nOut(64).activation(Activation.IDENTITY).build())
 * net.fit(new DataSet(features, classIds));   // classIds: [B, 1], e.g. P classes × K images each
 * }</pre>
 */
@JsonDeserialize(builder = LossTripletMargin.Builder.class)
public final class LossTripletMargin extends DistanceLossFunction {

    public static final double DEFAULT_MARGIN = 0.05;

    @JsonProperty("margin")
    private final double margin;
    @JsonProperty("batchHard")
    private final boolean batchHard;

    /** m = 0.05, all triplets, normalised rows. */
    public LossTripletMargin() {
        this(DEFAULT_MARGIN);
    }

    /** @param margin m > 0, all triplets */
    public LossTripletMargin(double margin) {
        this(builder().margin(margin));
    }

    private LossTripletMargin(Builder builder) {
        super(builder);
        this.margin = Checks.positive("margin", builder.margin);
        this.batchHard = builder.batchHard;
    }

    public static Builder builder() {
        return new Builder();
    }

    public double getMargin() {
        return margin;
    }

    public boolean isBatchHard() {
        return batchHard;
    }

    @Override
    protected DistanceKernel kernel() {
        return batchHard ? new BatchHardTripletKernel(margin) : new TripletMarginKernel(margin);
    }

    public static final class Builder extends DistanceLossFunction.Builder<LossTripletMargin, Builder> {
        @JsonProperty("margin")
        private double margin = DEFAULT_MARGIN;
        @JsonProperty("batchHard")
        private boolean batchHard;

        private Builder() {
        }

        public Builder margin(double margin) {
            this.margin = margin;
            return this;
        }

        /** One triplet per anchor, its hardest positive and negative (default false: all triplets). */
        public Builder batchHard(boolean batchHard) {
            this.batchHard = batchHard;
            return this;
        }

        @Override
        public LossTripletMargin build() {
            return new LossTripletMargin(this);
        }
    }
}
