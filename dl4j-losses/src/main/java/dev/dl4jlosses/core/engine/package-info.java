/**
 * Internal: the engines, which turn embeddings into a kernel's logits and masks one block of anchors at a time and its
 * gradient back into the embeddings', for both fronts. Not part of the library's API.
 */
package dev.dl4jlosses.core.engine;
