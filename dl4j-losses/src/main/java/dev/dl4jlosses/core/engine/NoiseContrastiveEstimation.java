package dev.dl4jlosses.core.engine;

import dev.dl4jlosses.core.math.RowNormalization;
import dev.dl4jlosses.core.math.TensorOps;

/**
 * Noise-contrastive estimation (Gutmann &amp; Hyvärinen 2010) for embeddings: a binary logistic classifier that tells
 * each anchor's positive (a sample of the data) from {@code k} noise samples drawn from a known noise distribution
 * {@code q}. With the score {@code f(a, x) = s(a, x)/τ} ({@code s} cosine similarity or dot product) as the model's
 * unnormalised log-density and {@code G(a, x) = f(a, x) - log(k·q(x))},
 * {@code ℓ_i = softplus(-G(a_i, x_i⁺)) + Σ_{j=1..k} softplus(G(a_i, x_ij⁻))}
 * {@code = -log σ(G⁺) - Σ_j log(1 - σ(G_j⁻))}; the loss is the mean over anchors.
 *
 * <p>The noise samples are rows of a matrix {@code [M, d]}: shared by all anchors ({@code k = M}, as TensorFlow's
 * {@code nce_loss} shares its sampled candidates), or {@code k} per anchor, anchor i owning rows {@code i·k .. i·k+k-1}
 * ({@code M = N·k}, the original per-sample form). {@code log q(x)} is given for every positive and noise sample;
 * word2vec's negative sampling (Mikolov et al. 2013) is the special case {@code log q = -log k} (no correction).
 *
 * <p>Gradient: {@code ∂ℓ_i/∂f⁺ = -σ(-G⁺)}, {@code ∂ℓ_i/∂f_j⁻ = σ(G_j⁻)}.
 */
public final class NoiseContrastiveEstimation {

    /**
     * @param rowLoss       {@code [N, 1]} each anchor's loss (0 for masked anchors)
     * @param valid         {@code [N, 1]} 1 for anchors that take part
     * @param gradAnchors   {@code [N, d]} gradient of {@code Σ rowLoss}, or null
     * @param gradPositives {@code [N, d]} or null
     * @param gradNoise     {@code [M, d]} or null
     */
    public record Output<T>(T rowLoss, T valid, T gradAnchors, T gradPositives, T gradNoise) {
    }

    private NoiseContrastiveEstimation() {
    }

    /**
     * @param anchors           {@code [N, d]}
     * @param positives         {@code [N, d]}, row i the positive of anchor i
     * @param noise             {@code [M, d]} noise samples
     * @param logNoisePositives {@code [N, 1]} {@code log q} of each positive
     * @param logNoise          {@code [1, M]} {@code log q} of each noise sample
     * @param noisePerAnchor    k when each anchor owns k consecutive noise rows ({@code M = N·k}); 0 when all anchors
     *                          share all M noise samples
     * @param keep              {@code [N, 1]} 0/1 mask of the anchors, or null
     * @param scale             1/τ
     */
    public static <T> Output<T> evaluate(TensorOps<T> o, T anchors, T positives, T noise, T logNoisePositives, T logNoise,
                                         int noisePerAnchor, T keep, double scale, boolean normalize, boolean withGradient) {
        RowNormalization.Normalized<T> an = normalize ? RowNormalization.normalize(o, anchors) : null;
        RowNormalization.Normalized<T> pn = normalize ? RowNormalization.normalize(o, positives) : null;
        RowNormalization.Normalized<T> nn = normalize ? RowNormalization.normalize(o, noise) : null;
        T a = normalize ? an.unit() : anchors;
        T p = normalize ? pn.unit() : positives;
        T n = normalize ? nn.unit() : noise;
        T noiseScores = o.mul(o.mmul(a, n, false, true), scale);
        T owned = noisePerAnchor == 0 ? o.onesLike(noiseScores) : ownedNoise(o, noiseScores, noisePerAnchor);
        T logK = o.log(o.rowSum(owned));
        T positiveLogit = o.sub(o.sub(o.mul(o.rowSum(o.mul(a, p)), scale), logK), logNoisePositives);
        T noiseLogits = o.sub(o.sub(noiseScores, logK), logNoise);
        T valid = keep == null ? o.onesLike(logK) : keep;
        T rowLoss = o.mul(o.add(o.softplus(o.mul(positiveLogit, -1)), o.rowSum(o.mul(o.softplus(noiseLogits), owned))), valid);
        if (!withGradient) {
            return new Output<>(rowLoss, valid, null, null, null);
        }
        T positiveGrad = o.mul(o.mul(o.sigmoid(o.mul(positiveLogit, -1)), valid), -scale);      // ∂ℓ/∂(a·p), [N, 1]
        T noiseGrad = o.mul(o.mul(o.mul(o.sigmoid(noiseLogits), owned), valid), scale);         // ∂ℓ/∂(a·n), [N, M]
        T gradA = o.add(o.mul(p, positiveGrad), o.mmul(noiseGrad, n, false, false));
        T gradP = o.mul(a, positiveGrad);
        T gradN = o.mmul(noiseGrad, a, true, false);
        return new Output<>(rowLoss, valid, backward(o, an, gradA), backward(o, pn, gradP), backward(o, nn, gradN));
    }

    /** {@code [N, N·k]}: 1 where noise column c belongs to anchor r, i.e. {@code ⌊c / k⌋ = r}. */
    static <T> T ownedNoise(TensorOps<T> o, T like, int k) {
        T column = o.columnIndices(like);
        // ⌊c / k⌋ as -⌈-(c + ½)/k⌉: the ½ keeps the product away from whole numbers, where 1/k's rounding could tip it
        T group = o.mul(o.ceil(o.mul(o.add(column, 0.5), -1.0 / k)), -1);
        T row = o.rowSum(o.mul(o.diagonalMask(like, 0), column));                              // r (as N·k ≥ N)
        return o.equal(row, group);
    }

    private static <T> T backward(TensorOps<T> o, RowNormalization.Normalized<T> norm, T grad) {
        return norm == null ? grad : RowNormalization.backward(o, norm, grad);
    }
}
