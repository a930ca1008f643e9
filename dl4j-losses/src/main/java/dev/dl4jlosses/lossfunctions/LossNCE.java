package dev.dl4jlosses.lossfunctions;

import java.util.Objects;

import dev.dl4jlosses.core.Blocking;
import dev.dl4jlosses.core.Checks;
import dev.dl4jlosses.core.ComputePrecision;
import dev.dl4jlosses.core.NoiseContrastiveEstimation;
import dev.dl4jlosses.core.NDArrayOps;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.shade.jackson.annotation.JsonCreator;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * Noise-contrastive estimation (Gutmann &amp; Hyvärinen 2010): a binary logistic classifier between each anchor's
 * positive and k noise samples drawn from a known noise distribution q.
 *
 * <p>With the score {@code f(a, x) = s(a, x)/τ} and {@code G(a, x) = f(a, x) - log(k·q(x))}:
 * {@code ℓ_i = -log σ(G(a_i, x_i⁺)) - Σ_{j=1..k} log(1 - σ(G(a_i, x_ij⁻)))}, the loss is the mean over anchors
 * (see {@link NoiseContrastiveEstimation}). Defaults: τ = 1 on raw dot products, the score of the paper's log-linear
 * models and of word2vec; {@code normalize(true)} uses cosine similarity (then choose τ &lt; 1, the score being bounded).
 *
 * <p>Layout: {@code preOutput} is {@code [N, (k+2)·d]}: the anchor, its positive, then its k noise samples (a
 * {@code MergeVertex} of k + 2 embeddings). Labels are {@code [N, k+1]}: the natural log of the noise probability
 * {@code q} of the positive, then of each noise sample (k is read from their width). For word2vec's negative sampling
 * (no correction, {@code G = f}) give {@code log q = -log k} everywhere.
 *
 * <pre>{@code
 * .addVertex("sample", new MergeVertex(), "anchor", "positive", "noise1", "noise2", "noise3")
 * .addLayer("loss", new LossLayer.Builder(new LossNCE()).activation(Activation.IDENTITY).build(), "sample")
 * // labels [N, 4]: log q(positive), log q(noise1), log q(noise2), log q(noise3)
 * }</pre>
 */
public final class LossNCE extends ContrastiveLossFunction {

    public static final double DEFAULT_TEMPERATURE = 1.0;

    @JsonProperty("temperature")
    private final double temperature;
    @JsonProperty("normalize")
    private final boolean normalize;

    /** τ = 1, raw dot products. */
    public LossNCE() {
        this(DEFAULT_TEMPERATURE, false);
    }

    public LossNCE(double temperature, boolean normalize) {
        this(temperature, normalize, Blocking.DEFAULT_MEMORY_BUDGET, 0);
    }

    @JsonCreator
    private LossNCE(@JsonProperty("temperature") double temperature, @JsonProperty("normalize") boolean normalize,
                    @JsonProperty("memoryBudgetBytes") long memoryBudgetBytes, @JsonProperty("blockRows") int blockRows) {
        super(memoryBudgetBytes, blockRows);
        this.temperature = Checks.positive("temperature", temperature);
        this.normalize = normalize;
    }

    public double getTemperature() {
        return temperature;
    }

    public boolean isNormalize() {
        return normalize;
    }

    @Override
    protected Evaluation evaluate(INDArray labels, INDArray output, INDArray exampleMask, boolean withGradient) {
        if (labels == null || labels.rank() != 2 || labels.rows() != output.rows() || labels.columns() < 2) {
            throw new IllegalArgumentException("LossNCE needs labels [N, k+1] (log q of the positive, then of each of k >= 1 "
                    + "noise samples) for preOutput " + Checks.shape(output) + ", got " + (labels == null ? "null" : Checks.shape(labels)));
        }
        Checks.finite("labels (log noise probabilities)", labels);
        int k = (int) labels.columns() - 1;
        long width = output.columns();
        if (width % (k + 2) != 0) {
            throw new IllegalArgumentException("LossNCE expects preOutput [N, (k+2)·d] (anchor | positive | k noise samples) with "
                    + "k = " + k + " from labels " + Checks.shape(labels) + ", got shape " + Checks.shape(output));
        }
        long n = output.rows();
        long d = width / (k + 2);
        DataType type = ComputePrecision.of(output.dataType());
        INDArray in = ComputePrecision.cast(output, type);
        INDArray logQ = ComputePrecision.cast(labels, type);
        INDArray noise = in.get(NDArrayIndex.all(), NDArrayIndex.interval(2 * d, width)).dup('c').reshape(n * k, d);
        NoiseContrastiveEstimation.Output<INDArray> out = NoiseContrastiveEstimation.evaluate(NDArrayOps.INSTANCE,
                in.get(NDArrayIndex.all(), NDArrayIndex.interval(0, d)), in.get(NDArrayIndex.all(), NDArrayIndex.interval(d, 2 * d)),
                noise, logQ.get(NDArrayIndex.all(), NDArrayIndex.interval(0, 1)),
                logQ.get(NDArrayIndex.all(), NDArrayIndex.interval(1, k + 1)).dup('c').reshape(1, n * k), k,
                ComputePrecision.cast(exampleMask, type), 1 / temperature, normalize, withGradient);
        INDArray gradient = null;
        if (withGradient) {
            gradient = output.ulike();
            gradient.get(NDArrayIndex.all(), NDArrayIndex.interval(0, d)).assign(out.gradAnchors());
            gradient.get(NDArrayIndex.all(), NDArrayIndex.interval(d, 2 * d)).assign(out.gradPositives());
            gradient.get(NDArrayIndex.all(), NDArrayIndex.interval(2 * d, width)).assign(out.gradNoise().reshape(n, k * d));
        }
        DataType outType = output.dataType();
        return new Evaluation(out.rowLoss().castTo(outType), out.valid().castTo(outType), gradient);
    }

    @Override
    public boolean equals(Object o) {
        return super.equals(o) && temperature == ((LossNCE) o).temperature && normalize == ((LossNCE) o).normalize;
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), temperature, normalize);
    }

    @Override
    public String toString() {
        return "LossNCE(temperature=" + temperature + ", normalize=" + normalize + ")";
    }
}
