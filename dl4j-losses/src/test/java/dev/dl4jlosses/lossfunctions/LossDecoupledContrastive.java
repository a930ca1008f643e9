package dev.dl4jlosses.lossfunctions;

import dev.dl4jlosses.core.math.ContrastiveKernel;
import dev.dl4jlosses.core.math.DecoupledContrastiveKernel;
import org.nd4j.shade.jackson.databind.annotation.JsonDeserialize;

/**
 * The DL4J configuration class of {@link DecoupledContrastiveKernel}, the loss ARCHITECTURE.md's "how to add a loss"
 * is shown with: the hyper-parameters of {@link TemperatureScaledLoss} (temperature, normalisation, hard negatives,
 * memory queue), a builder, and the kernel.
 */
@JsonDeserialize(builder = LossDecoupledContrastive.Builder.class)
public final class LossDecoupledContrastive extends TemperatureScaledLoss {

    public static final double DEFAULT_TEMPERATURE = 0.1;

    private LossDecoupledContrastive(Builder builder) {
        super(builder);
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    protected ContrastiveKernel kernel() {
        return DecoupledContrastiveKernel.INSTANCE;
    }

    public static final class Builder extends TemperatureScaledLoss.Builder<LossDecoupledContrastive, Builder> {
        private Builder() {
            super(DEFAULT_TEMPERATURE);
        }

        @Override
        public LossDecoupledContrastive build() {
            return new LossDecoupledContrastive(this);
        }
    }
}
