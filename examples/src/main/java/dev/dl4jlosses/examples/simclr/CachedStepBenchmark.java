package dev.dl4jlosses.examples.simclr;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.dl4jlosses.examples.common.OneDnn;
import dev.dl4jlosses.lossfunctions.LossNTXent;
import dev.dl4jlosses.training.CachedContrastiveTrainer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

/**
 * Time per SimCLR step of the simclr-image network (the example's defaults: 1×28×28, 32 filters, head 256, projection
 * 64, NT-Xent τ = 0.2, Adam, weight decay 1e-5) on uniform random views, with {@code fit} or with
 * {@link CachedContrastiveTrainer}; BENCHMARKS.md ("Cached-gradient training") gives the commands and figures.
 * Selects nd4j-native's oneDNN build as the example's CLI does.
 *
 * <pre>
 * java -cp examples/target/dl4j-losses-examples.jar dev.dl4jlosses.examples.simclr.CachedStepBenchmark cached 16384 1024 2
 * </pre>
 *
 * <p>Arguments: {@code fit|cached IMAGES CHUNK_ROWS STEPS}; a batch holds {@code 2·IMAGES} views (two per image id),
 * {@code CHUNK_ROWS} (>= 1) is ignored by {@code fit}. Prints each step's time and score, then the process's peak
 * resident set size so far ({@code VmHWM}).
 */
public final class CachedStepBenchmark {

    private CachedStepBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 4 || !args[0].matches("fit|cached")) {
            throw new IllegalArgumentException("usage: CachedStepBenchmark fit|cached IMAGES CHUNK_ROWS STEPS, got "
                    + String.join(" ", args));
        }
        // before the first ND4J class loads its natives
        boolean oneDnn = OneDnn.configure();
        boolean cached = args[0].equals("cached");
        int images = Integer.parseInt(args[1]);
        CachedContrastiveTrainer trainer = new CachedContrastiveTrainer(Integer.parseInt(args[2]));
        int steps = Integer.parseInt(args[3]);
        MultiLayerNetwork net = new Encoder(1, 28, 28, 32, 256, 64)
                .dl4jNetwork(new LossNTXent(0.2), new Adam(5e-3), 1e-5, 42);
        Nd4j.getRandom().setSeed(7);
        INDArray views = Nd4j.rand(DataType.FLOAT, 2L * images, 1, 28, 28);
        INDArray ids = Nd4j.arange(images).castTo(DataType.FLOAT).reshape(images, 1);
        DataSet batch = new DataSet(views, Nd4j.concat(0, ids, ids));
        System.out.printf("oneDNN=%s maxMemory=%d MiB%n", oneDnn, Runtime.getRuntime().maxMemory() >> 20);
        for (int step = 0; step < steps; step++) {
            long start = System.nanoTime();
            double score;
            if (cached) {
                score = trainer.fit(net, batch);
            } else {
                net.fit(batch);
                score = net.score();
            }
            System.out.printf("%s images=%d views=%d chunk=%s step=%d ms=%.0f score=%.4f%n", args[0], images,
                    2 * images, cached ? trainer.getChunkRows() : "-", step, (System.nanoTime() - start) / 1e6, score);
        }
        System.out.println(peakRss());
    }

    private static String peakRss() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/status")).stream()
                .filter(line -> line.startsWith("VmHWM")).findFirst().orElse("VmHWM: not available");
    }
}
