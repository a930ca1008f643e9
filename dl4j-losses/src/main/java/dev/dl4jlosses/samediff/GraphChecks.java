package dev.dl4jlosses.samediff;

import java.util.Arrays;

import dev.dl4jlosses.core.ComputePrecision;
import org.nd4j.autodiff.samediff.SDVariable;

/**
 * The static-shape checks of the SameDiff nodes' shape contracts: what can be told while the graph is built (shapes
 * may be unknown until it runs, so unknown dimensions pass). Each failure is an {@link IllegalArgumentException}
 * naming the shapes.
 */
final class GraphChecks {

    private GraphChecks() {
    }

    static void queueFits(SDMemoryQueue queue, SDVariable rowsOf) {
        if (queue == null) {
            return;
        }
        if (queue.dataType() != ComputePrecision.of(rowsOf.dataType())) {
            throw new IllegalArgumentException("memory queue \"" + queue.name() + "\" holds " + queue.dataType()
                    + " but the loss computes in " + ComputePrecision.of(rowsOf.dataType()));
        }
        long[] shape = rowsOf.getShape();
        if (shape != null && shape.length == 2 && shape[1] >= 0 && shape[1] != queue.width()) {
            throw new IllegalArgumentException("memory queue \"" + queue.name() + "\" holds keys of width " + queue.width()
                    + ", the loss's rows have shape " + Arrays.toString(shape));
        }
    }

    static void matrix(String what, SDVariable v) {
        if (v == null) {
            throw new IllegalArgumentException(what + " must not be null");
        }
        long[] shape = v.getShape();
        if (shape != null && shape.length != 2) {
            throw new IllegalArgumentException(what + " must be a 2-D matrix [rows, dim], got shape " + Arrays.toString(shape));
        }
        if (!v.dataType().isFPType()) {
            throw new IllegalArgumentException(what + " must be floating point, got " + v.dataType());
        }
    }

    /** A floating-point scalar (shape [] or all ones), e.g. a learnable bias. */
    static void floatScalar(String what, SDVariable v) {
        if (v == null) {
            throw new IllegalArgumentException(what + " must not be null");
        }
        long[] shape = v.getShape();
        if (shape != null && Arrays.stream(shape).anyMatch(d -> d != 1)) {
            throw new IllegalArgumentException(what + " must be a scalar, got shape " + Arrays.toString(shape));
        }
        if (!v.dataType().isFPType()) {
            throw new IllegalArgumentException(what + " must be floating point, got " + v.dataType());
        }
    }

    static void sameStaticShape(String whatA, SDVariable a, String whatB, SDVariable b) {
        long[] sa = a.getShape();
        long[] sb = b.getShape();
        if (sa != null && sb != null && sa.length == sb.length) {
            for (int i = 0; i < sa.length; i++) {
                if (sa[i] >= 0 && sb[i] >= 0 && sa[i] != sb[i]) {
                    throw new IllegalArgumentException(whatA + " and " + whatB + " must have the same shape, got "
                            + Arrays.toString(sa) + " and " + Arrays.toString(sb));
                }
            }
        }
    }

    static void idsPerRow(SDVariable labels, SDVariable rowsOf) {
        if (labels == null) {
            return;
        }
        long[] ls = labels.getShape();
        long[] rs = rowsOf.getShape();
        if (ls == null || rs == null || rs.length == 0) {
            return;
        }
        long count = 1;
        for (long s : ls) {
            if (s < 0) {
                return;
            }
            count *= s;
        }
        if (rs[0] >= 0 && count != rs[0]) {
            throw new IllegalArgumentException("labels must hold one id per row: expected " + rs[0] + " values, got shape "
                    + Arrays.toString(ls));
        }
    }

    /** NCE's anchors, positives and noise {@code [N·k or M, d]} with their log noise probabilities. */
    static void nceInputs(SDVariable anchors, SDVariable positives, SDVariable noise, SDVariable logNoisePositives,
                          SDVariable logNoise, int noisePerAnchor) {
        matrix("anchors", anchors);
        matrix("positives", positives);
        matrix("noise", noise);
        sameStaticShape("anchors", anchors, "positives", positives);
        idsPerRow(logNoisePositives, anchors);
        idsPerRow(logNoise, noise);
        if (logNoisePositives == null || logNoise == null) {
            throw new IllegalArgumentException("nce needs the log noise probabilities of the positives ([N]) and of the noise "
                    + "samples ([M]); got " + (logNoisePositives == null ? "none for the positives" : "none for the noise samples"));
        }
        long[] anchorShape = anchors.getShape();
        long[] noiseShape = noise.getShape();
        boolean known = anchorShape != null && noiseShape != null && anchorShape[0] >= 0 && noiseShape[0] >= 0;
        if (noisePerAnchor < 0 || noisePerAnchor > 0 && known && noiseShape[0] != anchorShape[0] * noisePerAnchor) {
            throw new IllegalArgumentException("nce: noisePerAnchor must be 0 (shared noise) or k with noise [N·k, d]; got k = "
                    + noisePerAnchor + ", anchors " + Arrays.toString(anchorShape) + ", noise " + Arrays.toString(noiseShape));
        }
    }
}
