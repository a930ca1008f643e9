/**
 * Internal: the eager runtime of the DL4J front on {@code INDArray}s: {@code NDArrayOps}, the one eager runner
 * (precision, scratch workspaces, row blocks, fast paths) and one evaluator per engine. Not part of the library's API.
 */
package dev.dl4jlosses.core.eager;
