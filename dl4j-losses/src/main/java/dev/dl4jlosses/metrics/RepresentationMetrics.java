package dev.dl4jlosses.metrics;

import dev.dl4jlosses.core.Checks;
import dev.dl4jlosses.core.eager.NDArrayOps;
import dev.dl4jlosses.options.HardNegatives;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Measures of a representation on a batch of embeddings {@code [B, d]} with one integer label per row; every measure
 * first L2-normalises the rows and is computed in float64 with ND4J ops.
 *
 * <ul>
 *   <li>{@link #alignment} (Wang &amp; Isola 2020): {@code E_{(x,y) positive} ||f(x) - f(y)||^α}, α = 2 by default;
 *       lower is better aligned. Positive pairs: distinct rows with equal labels.</li>
 *   <li>{@link #uniformity} (Wang &amp; Isola 2020): {@code log E_{x ≠ y} exp(-t ||f(x) - f(y)||²)}, t = 2 by
 *       default, over all distinct pairs; lower is more uniform on the sphere.</li>
 *   <li>{@link #tolerance} (Wang &amp; Liu 2021): mean cosine similarity of same-class pairs of distinct rows;
 *       higher means the representation keeps semantically close samples together.</li>
 *   <li>{@link #hardness} (Wang &amp; Liu 2021): how a softmax loss at temperature τ spreads each anchor's weight over
 *       its negatives, see {@link HardnessProfile}.</li>
 * </ul>
 *
 * <pre>{@code
 * Geometry g = RepresentationMetrics.geometry(embeddings, labels);      // alignment, uniformity, tolerance
 * HardnessProfile h = RepresentationMetrics.hardness(embeddings, labels, 0.1);
 * System.out.println(g + "\n" + h);
 * }</pre>
 * Bad input (not a finite float matrix, fewer than 2 rows, labels not one per row, a batch without the pairs a
 * measure needs) throws {@link IllegalArgumentException} naming the shapes.
 */
public final class RepresentationMetrics {

    public static final double DEFAULT_ALPHA = 2;
    public static final double DEFAULT_UNIFORMITY_T = 2;
    /** Fractions of each anchor's most similar negatives whose softmax weight share the hardness profile reports. */
    static final double TOP_1_PERCENT = 0.01;
    static final double TOP_10_PERCENT = 0.1;

    /** Alignment, uniformity and tolerance of one batch, with the default α = 2 and t = 2. */
    public record Geometry(double alignment, double uniformity, double tolerance) {
        @Override
        public String toString() {
            return String.format("Geometry(alignment=%.6f, uniformity=%.6f, tolerance=%.6f)", alignment, uniformity, tolerance);
        }
    }

    private RepresentationMetrics() {
    }

    public static Geometry geometry(INDArray embeddings, INDArray labels) {
        PairGeometry p = labelled(embeddings, labels);
        return new Geometry(alignment(p, DEFAULT_ALPHA), uniformity(p, DEFAULT_UNIFORMITY_T), tolerance(p));
    }

    /** Alignment with α = 2: the mean squared distance of positive pairs. */
    public static double alignment(INDArray embeddings, INDArray labels) {
        return alignment(embeddings, labels, DEFAULT_ALPHA);
    }

    /** {@code E_{(x,y) positive} ||f(x) - f(y)||^α}, α > 0. */
    public static double alignment(INDArray embeddings, INDArray labels, double alpha) {
        return alignment(labelled(embeddings, labels), Checks.positive("alpha", alpha));
    }

    /** Uniformity with t = 2. */
    public static double uniformity(INDArray embeddings) {
        return uniformity(embeddings, DEFAULT_UNIFORMITY_T);
    }

    /** {@code log E_{x ≠ y} exp(-t ||f(x) - f(y)||²)}, t > 0, over all distinct pairs of rows. */
    public static double uniformity(INDArray embeddings, double t) {
        return uniformity(PairGeometry.of(embeddings, null), Checks.positive("t", t));
    }

    /** Mean cosine similarity of same-class pairs of distinct rows. */
    public static double tolerance(INDArray embeddings, INDArray labels) {
        return tolerance(labelled(embeddings, labels));
    }

    /**
     * The softmax weights {@code w_in = e^{s_in/τ} / Σ_{n'} e^{s_in'/τ}} of each anchor over its negatives (rows with
     * another label), summarised over the anchors that have negatives. See {@link HardnessProfile}.
     */
    public static HardnessProfile hardness(INDArray embeddings, INDArray labels, double temperature) {
        Checks.positive("temperature", temperature);
        PairGeometry p = labelled(embeddings, labels);
        NDArrayOps o = NDArrayOps.INSTANCE;
        INDArray logits = p.similarity().div(temperature);
        INDArray masked = o.maskLogits(logits, p.negatives());
        INDArray lse = o.rowLogSumExp(masked);
        INDArray weights = o.softmaxGivenLogSumExp(masked, lse);
        INDArray entropy = lse.sub(weights.mul(logits).sum(true, 1));          // H = lse - Σ w·x, exact for a softmax
        INDArray anchors = o.greaterThan(o.rowSum(p.negatives()), 0);
        return new HardnessProfile(temperature, (long) anchors.sumNumber().doubleValue(),
                PairGeometry.meanOver(entropy, anchors, "anchor with a negative (all rows share one label)"),
                PairGeometry.meanOver(Transforms.exp(entropy), anchors, "anchor with a negative"),
                PairGeometry.meanOver(topShare(p, weights, TOP_1_PERCENT), anchors, "anchor with a negative"),
                PairGeometry.meanOver(topShare(p, weights, TOP_10_PERCENT), anchors, "anchor with a negative"));
    }

    /** Per anchor, the weight on its {@code max(1, ⌈f·n⌉)} most similar negatives (ties included). */
    private static INDArray topShare(PairGeometry p, INDArray weights, double fraction) {
        INDArray top = HardNegatives.topFraction(fraction).select(NDArrayOps.INSTANCE, p.similarity(), p.negatives());
        return weights.mul(top).sum(true, 1);
    }

    private static double alignment(PairGeometry p, double alpha) {
        INDArray distance = Transforms.pow(p.squaredDistance(), alpha / 2, false);
        return PairGeometry.meanOver(distance, p.positives(), "positive pair (two distinct rows with the same label)");
    }

    private static double uniformity(PairGeometry p, double t) {
        INDArray kernel = Transforms.exp(p.squaredDistance().mul(-t), false);
        return Math.log(PairGeometry.meanOver(kernel, p.distinct(), "pair of distinct rows"));
    }

    private static double tolerance(PairGeometry p) {
        return PairGeometry.meanOver(p.similarity(), p.positives(), "pair of distinct rows with the same label");
    }

    private static PairGeometry labelled(INDArray embeddings, INDArray labels) {
        if (labels == null) {
            throw new IllegalArgumentException("labels must not be null: one per row of embeddings "
                    + (embeddings == null ? "" : Checks.shape(embeddings)));
        }
        return PairGeometry.of(embeddings, labels);
    }
}
