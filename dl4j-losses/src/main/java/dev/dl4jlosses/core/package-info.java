/**
 * Internal: the layers under the two fronts (see ARCHITECTURE.md). Not part of the library's API: types here are
 * public only where another package of the library needs them, and may change in any release. This package holds
 * what every layer shares: argument checks and the compute precision.
 */
package dev.dl4jlosses.core;
