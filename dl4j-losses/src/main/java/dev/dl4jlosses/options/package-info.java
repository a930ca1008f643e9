/** What users configure besides a loss's own hyper-parameters: hard-negative selection, memory queue, logit scale. */
package dev.dl4jlosses.options;
