package dev.dl4jlosses.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * Forward + backward of one loss (float32): the DL4J {@code ILossFunction} path, the {@code SDContrastive} graph
 * node, the naive SameDiff autodiff composite, and the bare matrix products the loss needs. Each JMH fork runs one
 * method at one (loss, batch, dim) and prepares only what that method uses, so the fork's peak resident memory
 * ({@code VmHWM} of /proc/self/status, appended to the file named by {@code -Dbench.peakRssFile}) is that method's.
 * {@link BenchmarkTable} runs the grid and writes the table of BENCHMARKS.md.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class LossBenchmark {

    @Param({"NTXENT"})
    public String loss;
    @Param({"1024"})
    public int batch;
    @Param({"128"})
    public int dim;

    private Workload workload;

    @Setup(Level.Trial)
    public void setUp(BenchmarkParams params) {
        workload = new Workload(Workload.Loss.valueOf(loss), batch, dim);
        switch (method(params)) {
            case "lossFunction" -> workload.prepareLossFunction();
            case "graphNode" -> workload.prepareNode();
            case "naiveSameDiff" -> {
                if (!workload.hasNaiveComposite()) {
                    throw new IllegalStateException("no naive SameDiff composite for " + loss);
                }
                workload.prepareNaive();
            }
            case "matrixProducts" -> workload.prepareProducts();
            default -> throw new IllegalStateException(params.getBenchmark());
        }
    }

    @Benchmark
    public Object lossFunction() {
        return workload.lossFunction();
    }

    @Benchmark
    public Object graphNode() {
        return workload.graph();
    }

    @Benchmark
    public Object naiveSameDiff() {
        return workload.graph();
    }

    @Benchmark
    public Object matrixProducts() {
        return workload.matrixProducts();
    }

    @TearDown(Level.Trial)
    public void recordPeakMemory(BenchmarkParams params) throws IOException {
        long peakKb = PeakMemory.residentKb();
        String line = String.format(Locale.ROOT, "%s,%s,%d,%d,%d%n", method(params), loss, batch, dim, peakKb);
        System.out.print("peak RSS (VmHWM): " + line);
        String file = System.getProperty("bench.peakRssFile");
        if (file != null) {
            Files.writeString(Path.of(file), line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
    }

    private static String method(BenchmarkParams params) {
        String name = params.getBenchmark();
        return name.substring(name.lastIndexOf('.') + 1);
    }
}
