package dev.dl4jlosses.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The process's peak resident set size (Linux {@code VmHWM}): Java heap, off-heap ND4J buffers and native code. */
final class PeakMemory {

    private PeakMemory() {
    }

    /** @return peak RSS in KiB, or -1 where /proc/self/status does not exist */
    static long residentKb() throws IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.exists(status)) {
            return -1;
        }
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }
}
