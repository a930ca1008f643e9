package dev.dl4jlosses.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs {@link LossBenchmark} over a grid, one JMH fork per cell, and writes the Markdown table of BENCHMARKS.md
 * (times, the two ratios, peak RSS per fork) plus a CSV of every cell.
 *
 * <p>Arguments ({@code key=value}, all optional): {@code losses=NTXENT,INFONCE,...}, {@code batches=256,1024,...},
 * {@code dims=128,512}, {@code methods=lossFunction,graphNode,naiveSameDiff,matrixProducts},
 * {@code maxGraphBatch=4096} (largest B for the two SameDiff methods: they hold whole B×B arrays),
 * {@code out=tests/benchmarks/target/benchmark-table.md}, {@code jvmArgs="..."} (for the forks; default
 * {@value #DEFAULT_FORK_ARGS}). Batches up to 4096 are timed as the average of 3 one-second iterations after 2 of
 * warm-up; 16384 as 2 single calls after 1 warm-up call; larger batches as one cold call.
 */
public final class BenchmarkTable {

    static final String DEFAULT_FORK_ARGS =
            "-Xmx2g -Dorg.bytedeco.javacpp.maxbytes=20G -Dorg.bytedeco.javacpp.maxphysicalbytes=22G";
    private static final List<String> METHODS = List.of("lossFunction", "graphNode", "naiveSameDiff", "matrixProducts");

    private record Cell(String loss, int batch, int dim) {
    }

    private record Measured(double ms, double error, long peakKb) {
    }

    private BenchmarkTable() {
    }

    public static void main(String[] args) throws IOException, RunnerException {
        Map<String, String> a = new HashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("arguments are key=value, got " + arg);
            }
            a.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        List<String> losses = list(a.getOrDefault("losses", "NTXENT,SUPCON,INFONCE,CIRCLE,SIMPLE"));
        List<Integer> batches = list(a.getOrDefault("batches", "256,1024,4096,16384,65536")).stream().map(Integer::valueOf).toList();
        List<Integer> dims = list(a.getOrDefault("dims", "128,512")).stream().map(Integer::valueOf).toList();
        List<String> methods = list(a.getOrDefault("methods", String.join(",", METHODS)));
        int maxGraphBatch = Integer.parseInt(a.getOrDefault("maxGraphBatch", "4096"));
        Path out = Path.of(a.getOrDefault("out", "tests/benchmarks/target/benchmark-table.md"));
        String[] forkArgs = a.getOrDefault("jvmArgs", DEFAULT_FORK_ARGS).trim().split("\\s+");
        Files.createDirectories(out.toAbsolutePath().getParent());
        Path rssFile = Files.createTempFile("peak-rss", ".csv");

        Map<Cell, Map<String, Measured>> results = new LinkedHashMap<>();
        for (String loss : losses) {
            for (int dim : dims) {
                for (int batch : batches) {
                    Cell cell = new Cell(loss, batch, dim);
                    Map<String, Measured> row = new LinkedHashMap<>();
                    results.put(cell, row);
                    for (String method : methods) {
                        boolean graph = method.equals("graphNode") || method.equals("naiveSameDiff");
                        if (graph && batch > maxGraphBatch
                                || method.equals("naiveSameDiff") && !NaiveComposite.supports(Workload.Loss.valueOf(loss))) {
                            continue;
                        }
                        row.put(method, run(cell, method, forkArgs, rssFile));
                        write(out, results);
                    }
                }
            }
        }
        write(out, results);
        System.out.println("table written to " + out.toAbsolutePath());
    }

    private static Measured run(Cell cell, String method, String[] forkArgs, Path rssFile) throws RunnerException, IOException {
        List<String> jvmArgs = new ArrayList<>(Arrays.asList(forkArgs));
        jvmArgs.add("-Dbench.peakRssFile=" + rssFile);
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include(LossBenchmark.class.getName() + "." + method + "$")
                .param("loss", cell.loss()).param("batch", String.valueOf(cell.batch())).param("dim", String.valueOf(cell.dim()))
                .forks(1).jvmArgs(jvmArgs.toArray(new String[0])).timeUnit(TimeUnit.MILLISECONDS);
        if (cell.batch() <= 4096) {
            options.mode(Mode.AverageTime).warmupIterations(2).warmupTime(TimeValue.seconds(1))
                    .measurementIterations(3).measurementTime(TimeValue.seconds(1));
        } else if (cell.batch() <= 16384) {
            options.mode(Mode.SingleShotTime).warmupIterations(1).measurementIterations(2);
        } else {
            options.mode(Mode.SingleShotTime).warmupIterations(0).measurementIterations(1);
        }
        Files.writeString(rssFile, "");
        RunResult result = new Runner(options.build()).runSingle();
        double error = result.getPrimaryResult().getScoreError();
        long peakKb = Files.readAllLines(rssFile).stream().filter(l -> !l.isBlank())
                .mapToLong(l -> Long.parseLong(l.substring(l.lastIndexOf(',') + 1))).max().orElse(-1);
        return new Measured(result.getPrimaryResult().getScore(), Double.isNaN(error) ? 0 : error, peakKb);
    }

    private static void write(Path out, Map<Cell, Map<String, Measured>> results) throws IOException {
        StringBuilder md = new StringBuilder();
        md.append("| loss | B | d | ILossFunction ms | graph node ms | naive SameDiff ms | products ms | ILoss / products"
                + " | naive / ILoss | node / ILoss | peak RSS MB (ILoss / node / naive / products) |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
        StringBuilder csv = new StringBuilder("loss,batch,dim,method,ms,error_ms,peak_rss_kb\n");
        for (Map.Entry<Cell, Map<String, Measured>> e : results.entrySet()) {
            Cell c = e.getKey();
            Map<String, Measured> m = e.getValue();
            if (m.isEmpty()) {
                continue;
            }
            md.append(String.format(Locale.ROOT, "| %s | %d | %d | %s | %s | %s | %s | %s | %s | %s | %s |%n",
                    c.loss(), c.batch(), c.dim(), time(m.get("lossFunction")), time(m.get("graphNode")),
                    time(m.get("naiveSameDiff")), time(m.get("matrixProducts")),
                    ratio(m.get("lossFunction"), m.get("matrixProducts")), ratio(m.get("naiveSameDiff"), m.get("lossFunction")),
                    ratio(m.get("graphNode"), m.get("lossFunction")),
                    String.join(" / ", METHODS.stream().map(k -> rss(m.get(k))).toList())));
            m.forEach((method, r) -> csv.append(String.format(Locale.ROOT, "%s,%d,%d,%s,%.3f,%.3f,%d%n",
                    c.loss(), c.batch(), c.dim(), method, r.ms(), r.error(), r.peakKb())));
        }
        Files.writeString(out, md.toString(), StandardCharsets.UTF_8);
        Files.writeString(Path.of(out.toString().replaceAll("\\.md$", "") + ".csv"), csv.toString(), StandardCharsets.UTF_8);
    }

    private static String time(Measured m) {
        return m == null ? "—" : m.error() > 0 ? String.format(Locale.ROOT, "%.1f ± %.1f", m.ms(), m.error())
                : String.format(Locale.ROOT, "%.1f", m.ms());
    }

    private static String ratio(Measured a, Measured b) {
        return a == null || b == null ? "—" : String.format(Locale.ROOT, "%.2f", a.ms() / b.ms());
    }

    private static String rss(Measured m) {
        return m == null || m.peakKb() < 0 ? "—" : String.valueOf(m.peakKb() / 1024);
    }

    private static List<String> list(String csv) {
        return Arrays.stream(csv.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
}
