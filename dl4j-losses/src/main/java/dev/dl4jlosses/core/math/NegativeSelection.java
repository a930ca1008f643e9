package dev.dl4jlosses.core.math;

/**
 * Which negatives an anchor keeps in its loss; the others contribute neither value nor gradient.
 * Applied to each block of anchors after the label masks are built.
 */
public interface NegativeSelection {

    /**
     * @param similarity {@code [b, C]} similarities of the anchors to the candidates
     * @param negatives  {@code [b, C]} 0/1 negatives before selection
     * @return the 0/1 negatives kept
     */
    <T> T select(TensorOps<T> o, T similarity, T negatives);
}
