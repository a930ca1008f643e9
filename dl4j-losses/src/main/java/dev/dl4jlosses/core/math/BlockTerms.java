package dev.dl4jlosses.core.math;

/**
 * What a {@link ContrastiveKernel} returns for a block of anchors.
 *
 * @param rowLoss    {@code [b, 1]} each anchor's loss, 0 for invalid anchors
 * @param valid      {@code [b, 1]} 1 for anchors with at least one positive and one negative, else 0
 * @param gradLogits {@code [b, C]} derivative of the summed row losses with respect to the logits, 0 in invalid rows;
 *                   null when no gradient was asked for
 */
public record BlockTerms<T>(T rowLoss, T valid, T gradLogits) {
}
