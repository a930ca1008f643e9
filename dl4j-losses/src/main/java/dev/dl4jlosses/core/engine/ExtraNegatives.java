package dev.dl4jlosses.core.engine;

/**
 * Candidates that join every anchor's negatives besides the batch's own rows: a memory queue's entries or explicit
 * negatives. They are never positives, and never negatives of an anchor with their id.
 *
 * @param rows {@code [M, d]}
 * @param ids  {@code [M, 1]} their ids, or null (then no anchor is excluded; the pairwise engine requires them)
 * @param keep {@code [M, 1]} 0/1, which of them take part (e.g. the filled slots of a queue), or null for all
 */
public record ExtraNegatives<T>(T rows, T ids, T keep) {
}
