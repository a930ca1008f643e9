package dev.dl4jlosses.core.math;

/**
 * Projection of embedding rows onto the unit sphere, {@code u = z / sqrt(|z|² + ε)}, and its backward pass.
 * The ε keeps a zero row finite (it maps to zero, with a finite gradient) instead of producing NaN.
 */
public final class RowNormalization {

    /** Added to the squared norm; negligible for any row whose norm is above 1e-5. */
    public static final double EPSILON = 1e-12;

    /** @param unit the normalised rows; @param norm {@code [n, 1]} the (ε-smoothed) norms */
    public record Normalized<T>(T unit, T norm) {
    }

    private RowNormalization() {
    }

    public static <T> Normalized<T> normalize(TensorOps<T> o, T rows) {
        T norm = o.sqrt(o.add(o.rowSum(o.square(rows)), EPSILON));
        return new Normalized<>(o.div(rows, norm), norm);
    }

    /** {@code ∂ℓ/∂z = (∂ℓ/∂u - u · Σ_k (∂ℓ/∂u)_k u_k) / norm}. */
    public static <T> T backward(TensorOps<T> o, Normalized<T> normalized, T gradUnit) {
        T radial = o.rowSum(o.mul(gradUnit, normalized.unit()));
        return o.div(o.sub(gradUnit, o.mul(normalized.unit(), radial)), normalized.norm());
    }
}
