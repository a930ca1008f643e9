package dev.dl4jlosses.lossfunctions;

import dev.dl4jlosses.core.math.ContrastiveKernel;
import dev.dl4jlosses.core.math.NTXentKernel;
import dev.dl4jlosses.options.HardNegatives;
import org.nd4j.shade.jackson.databind.annotation.JsonDeserialize;

/**
 * NT-Xent, the normalised temperature-scaled cross-entropy of SimCLR (Chen et al. 2020), generalised to label ids.
 *
 * <p>For each positive pair {@code (i, p)} (equal ids, {@code i ≠ p}):
 * {@code l_ip = -log( e^{s_ip/τ} / (e^{s_ip/τ} + Σ_{n: y_n ≠ y_i} e^{s_in/τ}) )}; an anchor's loss is the mean over
 * its positives. With two views per id this is exactly SimCLR's loss over all 2N anchors. Default τ = 0.5, cosine
 * similarity, all negatives; {@code hardNegatives(h)} restricts the sum over n to the negatives {@link HardNegatives} h
 * keeps for anchor i (e.g. {@code LossNTXent.builder().hardNegatives(HardNegatives.topFraction(0.1)).build()}).
 *
 * <p>Labels: a {@code [B, 1]} column of ids. For SimCLR, put the two views of image k in two rows with id k:
 * <pre>{@code
 * MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
 *     .list()
 *     .layer(new DenseLayer.Builder().nIn(784).nOut(256).activation(Activation.RELU).build())
 *     .layer(new OutputLayer.Builder(new LossNTXent(0.5)).nIn(256).nOut(64).activation(Activation.IDENTITY).build())
 *     .build();
 * // features: [2N, 784] = views 1 and 2 of N images; labels: [2N, 1] = image ids 0..N-1, twice
 * net.fit(new DataSet(features, ids));
 * }</pre>
 *
 * <p>Speed: a SimCLR batch (every id exactly twice, cosine similarity, no mask, no hard-negative selection, no memory
 * queue) takes a fast path with two {@code B×d×B} products and a handful of passes over the similarities; other
 * batches take the general masked path. Both give the same values to float rounding (BENCHMARKS.md has the timings).
 *
 * <p>Cross-batch memory: {@code LossNTXent.builder().temperature(0.1).memoryQueue(4096).build()} keeps the embeddings
 * and ids of the last 4096 training rows as extra negatives of every anchor with another id (see
 * {@link ContrastiveLossFunction#getMemoryQueue()} for when it is filled and how to save it with the model).
 */
@JsonDeserialize(builder = LossNTXent.Builder.class)
public final class LossNTXent extends TemperatureScaledLoss {

    public static final double DEFAULT_TEMPERATURE = 0.5;

    /** τ = 0.5, cosine similarity. */
    public LossNTXent() {
        this(DEFAULT_TEMPERATURE);
    }

    public LossNTXent(double temperature) {
        this(builder().temperature(temperature));
    }

    private LossNTXent(Builder builder) {
        super(builder);
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    protected ContrastiveKernel kernel() {
        return NTXentKernel.INSTANCE;
    }

    public static final class Builder extends TemperatureScaledLoss.Builder<LossNTXent, Builder> {
        private Builder() {
            super(DEFAULT_TEMPERATURE);
        }

        @Override
        public LossNTXent build() {
            return new LossNTXent(this);
        }
    }
}
