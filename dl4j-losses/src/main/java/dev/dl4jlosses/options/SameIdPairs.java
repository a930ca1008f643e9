package dev.dl4jlosses.options;

import dev.dl4jlosses.core.math.PairMasks;
import dev.dl4jlosses.core.math.QueryKeyMasks;
import dev.dl4jlosses.core.math.TensorOps;

/**
 * What a two-tower sigmoid loss (SigLIP) makes of an off-diagonal pair whose image and text share an id, i.e. a
 * likely false negative (two captions of one image, two images of one class). Without ids there are no such pairs:
 * every off-diagonal pair is a negative.
 *
 * <ul>
 *   <li>{@link #EXCLUDED} (default): the pair takes no part in the loss, neither as a positive nor as a negative, as
 *       keys with the query's id are no negatives of InfoNCE ({@code LossInfoNCE}).</li>
 *   <li>{@link #NEGATIVE}: {@code z = -1}, the paper's labels whatever the ids (the ids are then only checked).</li>
 *   <li>{@link #POSITIVE}: {@code z = +1}, the pair counts as a match like the diagonal (multi-positive sigmoid loss).</li>
 * </ul>
 *
 * <pre>{@code
 * LossSigLIP loss = LossSigLIP.builder().sameIdPairs(SameIdPairs.POSITIVE).build();
 * }</pre>
 */
public enum SameIdPairs implements QueryKeyMasks {
    EXCLUDED, NEGATIVE, POSITIVE;

    @Override
    public <T> PairMasks<T> masks(TensorOps<T> o, T self, T same) {
        if (same == null || this == NEGATIVE) {
            return PairMasks.ownKeyAsPositive(o, self, null);
        }
        return this == EXCLUDED ? PairMasks.ownKeyAsPositive(o, self, same) : new PairMasks<>(same, o.rsub(same, 1));
    }
}
