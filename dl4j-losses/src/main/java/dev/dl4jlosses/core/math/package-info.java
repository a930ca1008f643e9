/**
 * Internal: the formulas, each written once over {@link dev.dl4jlosses.core.math.TensorOps}: kernels (each anchor's
 * loss and its analytic gradient), masks, normalisation, distances and the reductions. Not part of the library's API.
 */
package dev.dl4jlosses.core.math;
