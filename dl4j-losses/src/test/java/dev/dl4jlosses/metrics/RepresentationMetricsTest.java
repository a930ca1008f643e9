package dev.dl4jlosses.metrics;

import static dev.dl4jlosses.testing.Assertions.assertClose;
import static dev.dl4jlosses.testing.Assertions.assertMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dl4jlosses.testing.Random;
import dev.dl4jlosses.testing.ReferenceCase;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Alignment, uniformity, tolerance and the hardness profile against hand-computed and PyTorch values. */
class RepresentationMetricsTest {

    private static final double TOL = 1e-10;

    /** Four orthogonal directions (not unit length: the metrics normalise), two classes. */
    @Test
    void orthogonalRowsByHand() {
        INDArray z = Nd4j.eye(4).castTo(DataType.DOUBLE).mulColumnVector(Nd4j.createFromArray(1.0, 2, 3, 4).reshape(4, 1));
        INDArray labels = Nd4j.createFromArray(0, 0, 1, 1);
        // every distinct pair: s = 0, ||u - v||² = 2
        assertClose(2.0, RepresentationMetrics.alignment(z, labels), TOL, TOL, "alignment = 2");
        assertClose(Math.sqrt(2), RepresentationMetrics.alignment(z, labels, 1), TOL, TOL, "alignment α=1 = √2");
        assertClose(-4.0, RepresentationMetrics.uniformity(z), TOL, TOL, "uniformity = log e^{-2·2}");
        assertClose(0.0, RepresentationMetrics.tolerance(z, labels), TOL, TOL, "tolerance = 0");
        HardnessProfile h = RepresentationMetrics.hardness(z, labels, 0.1);
        // two negatives of equal similarity each: uniform weights 1/2
        assertEquals(4, h.anchors());
        assertClose(Math.log(2), h.meanEntropy(), TOL, TOL, "entropy = log 2");
        assertClose(2.0, h.effectiveNegatives(), TOL, TOL, "effective negatives = 2");
        assertClose(1.0, h.top10PercentShare(), TOL, TOL, "ties with the hardest negative are all counted");
    }

    /** Two pairs of identical rows, classes across: perfectly aligned, hardest negatives take half the weight. */
    @Test
    void collapsedClassesByHand() {
        INDArray z = Nd4j.createFromArray(new double[][] {{1, 0}, {1, 0}, {0, 1}, {1, 1}});
        INDArray labels = Nd4j.createFromArray(0, 0, 1, 2);
        assertClose(0.0, RepresentationMetrics.alignment(z, labels), TOL, TOL, "identical positives");
        assertClose(1.0, RepresentationMetrics.tolerance(z, labels), TOL, TOL, "tolerance of identical positives");
        // anchor 2 ((0,1)) has negatives (1,0), (1,0), (1,1)/√2 with similarities 0, 0, 1/√2 (exact ties: equal rows)
        double tau = 0.5;
        double e0 = 1;
        double e1 = Math.exp(Math.sqrt(0.5) / tau);
        double share = e1 / (2 * e0 + e1);
        HardnessProfile h = RepresentationMetrics.hardness(z, labels, tau);
        assertEquals(4, h.anchors());
        assertTrue(h.top1PercentShare() > 0 && h.top1PercentShare() < 1);
        double[] wAnchor2 = {e0 / (2 * e0 + e1), e0 / (2 * e0 + e1), share};
        double entropy2 = 0;
        for (double w : wAnchor2) {
            entropy2 -= w * Math.log(w);
        }
        // anchors 0 and 1: negatives (0,1) and (1,1)/√2 with similarities 0 and 1/√2
        double[] wAnchor0 = {e0 / (e0 + e1), e1 / (e0 + e1)};
        double entropy0 = -wAnchor0[0] * Math.log(wAnchor0[0]) - wAnchor0[1] * Math.log(wAnchor0[1]);
        // anchor 3 ((1,1)/√2): all three negatives at similarity 1/√2, uniform weights, all tied for the top
        double entropy3 = Math.log(3);
        assertClose((2 * entropy0 + entropy2 + entropy3) / 4, h.meanEntropy(), TOL, TOL, "mean entropy");
        assertClose((2 * Math.exp(entropy0) + Math.exp(entropy2) + 3) / 4, h.effectiveNegatives(), TOL, TOL, "effective negatives");
        assertClose((2 * wAnchor0[1] + share + 1) / 4, h.top1PercentShare(), TOL, TOL,
                "top-1% share (one negative per anchor, ties counted)");
    }

    @Test
    void pyTorchReference() {
        ReferenceCase c = ReferenceCase.load("metrics_b24");
        INDArray z = c.array("embeddings");
        INDArray labels = c.array("labels");
        assertClose(c.number("alignment"), RepresentationMetrics.alignment(z, labels), TOL, TOL, "alignment");
        assertClose(c.number("alignment_alpha1"), RepresentationMetrics.alignment(z, labels, 1), TOL, TOL, "alignment α=1");
        assertClose(c.number("uniformity"), RepresentationMetrics.uniformity(z), TOL, TOL, "uniformity");
        assertClose(c.number("uniformity_t1"), RepresentationMetrics.uniformity(z, 1), TOL, TOL, "uniformity t=1");
        assertClose(c.number("tolerance"), RepresentationMetrics.tolerance(z, labels), TOL, TOL, "tolerance");
        RepresentationMetrics.Geometry g = RepresentationMetrics.geometry(z.castTo(DataType.FLOAT), labels);
        assertClose(c.number("uniformity"), g.uniformity(), 1e-6, 1e-6, "uniformity of float input");
        for (double tau : new double[] {1.0, 0.5, 0.2, 0.1, 0.05}) {
            INDArray expected = c.array("hardness_" + tau);
            HardnessProfile h = RepresentationMetrics.hardness(z, labels, tau);
            String what = "τ=" + tau + " ";
            assertClose(expected.getDouble(0), h.meanEntropy(), TOL, TOL, what + "entropy");
            assertClose(expected.getDouble(1), h.effectiveNegatives(), TOL, TOL, what + "effective negatives");
            assertClose(expected.getDouble(2), h.top1PercentShare(), TOL, TOL, what + "top-1% share");
            assertClose(expected.getDouble(3), h.top10PercentShare(), TOL, TOL, what + "top-10% share");
            assertEquals((long) expected.getDouble(4), h.anchors(), what + "anchors");
        }
    }

    /** The profile of {@link HardnessVsTemperature}'s batch: lower τ concentrates the weight on fewer negatives. */
    @Test
    void effectiveNumberOfNegativesFallsAsTemperatureFalls() {
        HardnessProfile previous = null;
        for (HardnessProfile h : HardnessVsTemperature.profiles()) {
            if (previous != null) {
                assertTrue(h.effectiveNegatives() < previous.effectiveNegatives(), h + " vs " + previous);
                assertTrue(h.meanEntropy() < previous.meanEntropy(), h + " vs " + previous);
                assertTrue(h.top1PercentShare() > previous.top1PercentShare(), h + " vs " + previous);
                assertTrue(h.top10PercentShare() > previous.top10PercentShare(), h + " vs " + previous);
            }
            previous = h;
        }
    }

    @Test
    void badInputIsRejectedWithShapes() {
        INDArray z = Random.gaussian(1, DataType.DOUBLE, 5, 3);
        assertMessage(() -> RepresentationMetrics.alignment(z, Nd4j.createFromArray(0, 1, 2)), "[3]");
        assertMessage(() -> RepresentationMetrics.alignment(z, Nd4j.createFromArray(0, 1, 2, 3, 4)), "positive pair");
        assertMessage(() -> RepresentationMetrics.hardness(z, Nd4j.zeros(5), 0.1), "negative");
        assertMessage(() -> RepresentationMetrics.hardness(z, Nd4j.zeros(5), 0), "temperature");
        assertMessage(() -> RepresentationMetrics.uniformity(z.getRow(0).reshape(1, 3)), "at least 2 rows");
        assertMessage(() -> RepresentationMetrics.uniformity(Nd4j.ones(5)), "2-D");
        assertMessage(() -> RepresentationMetrics.tolerance(z, null), "labels");
        assertMessage(() -> RepresentationMetrics.uniformity(Nd4j.createFromArray(new double[][] {{1, Double.NaN}, {0, 1}})), "NaN");
    }
}
