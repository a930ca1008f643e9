package dev.dl4jlosses.examples.common;

import java.io.PrintStream;
import java.util.Locale;

/**
 * One progress line (epoch, step, loss, throughput, ETA), redrawn in place on a terminal and printed every few
 * seconds otherwise (logs, CI).
 */
public final class Progress {

    private static final long PRINT_EVERY_NANOS = 5_000_000_000L;

    private final PrintStream out;
    private final boolean terminal;
    private final String unit;
    private final long totalSteps;
    private final long startNanos = System.nanoTime();
    private final long firstStep;
    private long lastPrint;

    /**
     * @param unit       what is counted per second ("images", "sentences")
     * @param firstStep  the global step the run (re)starts at
     * @param totalSteps global steps of the whole run
     */
    public Progress(PrintStream out, String unit, long firstStep, long totalSteps) {
        this.out = out;
        this.terminal = System.console() != null;
        this.unit = unit;
        this.firstStep = firstStep;
        this.totalSteps = totalSteps;
    }

    /** After global step {@code step} (0-based) of {@code epoch}, having processed {@code items} since the (re)start. */
    public void update(int epoch, int epochs, long step, double loss, long items) {
        long now = System.nanoTime();
        boolean last = step + 1 == totalSteps;
        if (!terminal && !last && now - lastPrint < PRINT_EVERY_NANOS && step != firstStep) {
            return;
        }
        lastPrint = now;
        double seconds = (now - startNanos) / 1e9;
        long done = step + 1 - firstStep;
        double eta = done == 0 ? 0 : seconds / done * (totalSteps - step - 1);
        String line = String.format(Locale.ROOT, "epoch %d/%d  step %d/%d  loss %.4f  %.0f %s/s  elapsed %s  ETA %s",
                epoch + 1, epochs, step + 1, totalSteps, loss, items / Math.max(seconds, 1e-9), unit, clock(seconds), clock(eta));
        if (terminal) {
            out.print("\r" + line + (last ? "\n" : ""));
        } else {
            out.println(line);
        }
        out.flush();
    }

    public static String clock(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm%02ds", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }
}
