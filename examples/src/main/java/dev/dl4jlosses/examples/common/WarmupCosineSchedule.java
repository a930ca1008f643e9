package dev.dl4jlosses.examples.common;

import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.shade.jackson.annotation.JsonCreator;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * Linear warm-up to {@code peak} over {@code warmupSteps}, then cosine decay to {@code peak · finalFraction} at
 * {@code totalSteps} (SimCLR's learning-rate schedule). By iteration, so a resumed run continues on the same curve.
 */
public final class WarmupCosineSchedule implements ISchedule {

    @JsonProperty("peak")
    private final double peak;
    @JsonProperty("warmupSteps")
    private final int warmupSteps;
    @JsonProperty("totalSteps")
    private final int totalSteps;
    @JsonProperty("finalFraction")
    private final double finalFraction;

    @JsonCreator
    public WarmupCosineSchedule(@JsonProperty("peak") double peak, @JsonProperty("warmupSteps") int warmupSteps,
                                @JsonProperty("totalSteps") int totalSteps, @JsonProperty("finalFraction") double finalFraction) {
        if (peak <= 0 || warmupSteps < 0 || totalSteps < 1 || finalFraction < 0 || finalFraction > 1) {
            throw new IllegalArgumentException("schedule needs peak > 0, warmupSteps >= 0, totalSteps >= 1, finalFraction in [0, 1]; got "
                    + peak + ", " + warmupSteps + ", " + totalSteps + ", " + finalFraction);
        }
        this.peak = peak;
        this.warmupSteps = warmupSteps;
        this.totalSteps = totalSteps;
        this.finalFraction = finalFraction;
    }

    @Override
    public double valueAt(int iteration, int epoch) {
        if (iteration < warmupSteps) {
            return peak * (iteration + 1) / warmupSteps;
        }
        double progress = Math.min(1.0, (iteration - warmupSteps) / (double) Math.max(1, totalSteps - warmupSteps));
        double cosine = 0.5 * (1 + Math.cos(Math.PI * progress));
        return peak * (finalFraction + (1 - finalFraction) * cosine);
    }

    @Override
    public ISchedule clone() {
        return new WarmupCosineSchedule(peak, warmupSteps, totalSteps, finalFraction);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WarmupCosineSchedule s && s.peak == peak && s.warmupSteps == warmupSteps
                && s.totalSteps == totalSteps && s.finalFraction == finalFraction;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(peak, warmupSteps, totalSteps, finalFraction);
    }
}
