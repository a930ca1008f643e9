package dev.dl4jlosses.core.math;

/**
 * Euclidean distances between all rows of an embedding matrix, {@code d_ij = sqrt(|u_i|² + |u_j|² - 2 u_i·u_j + ε)},
 * on the rows {@code u} projected onto the unit sphere (pytorch-metric-learning's default {@code LpDistance}:
 * {@code normalize_embeddings=True}, p = 2, power 1) or on the raw rows; and the backward pass to the embeddings.
 *
 * <p>The ε (1e-12, below float64 resolution for any pair further apart than 1e-5) keeps the distance of identical
 * rows, and its gradient, finite where {@code sqrt(0)} would give an infinite derivative and then NaN.
 */
public final class PairDistances {

    public static final double EPSILON = 1e-12;

    /**
     * @param normalized the normalisation of the rows, or null when distances are on the raw rows
     * @param units      the rows the distances are measured on
     * @param distance   {@code [B, B]}
     */
    public record Distances<T>(RowNormalization.Normalized<T> normalized, T units, T distance) {
    }

    private PairDistances() {
    }

    public static <T> Distances<T> of(TensorOps<T> o, T embeddings, boolean normalize) {
        RowNormalization.Normalized<T> normalized = normalize ? RowNormalization.normalize(o, embeddings) : null;
        T u = normalize ? normalized.unit() : embeddings;
        T squaredNorms = o.rowSum(o.square(u));
        T squared = o.sub(o.add(squaredNorms, o.columnToRow(squaredNorms)), o.mul(o.mmul(u, u, false, true), 2));
        return new Distances<>(normalized, u, o.sqrt(o.add(o.relu(squared), EPSILON)));
    }

    /**
     * From {@code G = ∂ℓ/∂d} to {@code ∂ℓ/∂embeddings}. With {@code W = G / (2d)} (the derivative with respect to the
     * squared distances), {@code ∂ℓ/∂u = 2 ((rowSum W + colSum W) ⊙ u - (W + Wᵀ) u)}.
     */
    public static <T> T backward(TensorOps<T> o, Distances<T> d, T gradDistance) {
        T w = o.div(gradDistance, o.mul(d.distance(), 2));
        T ones = o.onesLike(o.rowSum(w));
        T weight = o.add(o.rowSum(w), o.mmul(w, ones, true, false));
        T mixed = o.add(o.mmul(w, d.units(), false, false), o.mmul(w, d.units(), true, false));
        T gradUnits = o.mul(o.sub(o.mul(d.units(), weight), mixed), 2);
        return d.normalized() == null ? gradUnits : RowNormalization.backward(o, d.normalized(), gradUnits);
    }
}
