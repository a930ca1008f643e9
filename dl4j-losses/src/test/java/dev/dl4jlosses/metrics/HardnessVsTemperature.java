package dev.dl4jlosses.metrics;

import java.util.Arrays;
import java.util.List;

import dev.dl4jlosses.testing.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The README's hardness table: the {@link HardnessProfile} of one fixed random batch (256 Gaussian rows in 32
 * dimensions, 16 classes, about 240 negatives per anchor) at τ ∈ {1, 0.5, 0.2, 0.1, 0.05}. From the top directory:
 * <pre>
 * flock /tmp/mvn.lock mvn -o -q -pl dl4j-losses test-compile dependency:build-classpath -Dmdep.outputFile=cp.txt -Dmdep.includeScope=test
 * java -cp dl4j-losses/target/test-classes:dl4j-losses/target/classes:$(cat dl4j-losses/cp.txt) dev.dl4jlosses.metrics.HardnessVsTemperature
 * </pre>
 * {@code RepresentationMetricsTest} checks that these profiles grow harder as τ falls.
 */
public final class HardnessVsTemperature {

    static final double[] TEMPERATURES = {1, 0.5, 0.2, 0.1, 0.05};

    private HardnessVsTemperature() {
    }

    static List<HardnessProfile> profiles() {
        INDArray embeddings = Random.gaussian(2021, DataType.DOUBLE, 256, 32);
        INDArray labels = Random.ids(2021, 256, 16);
        return Arrays.stream(TEMPERATURES).mapToObj(t -> RepresentationMetrics.hardness(embeddings, labels, t)).toList();
    }

    public static void main(String[] args) {
        System.out.println("| τ | mean entropy | effective negatives (of ~240) | top-1% share | top-10% share |");
        System.out.println("|---|---|---|---|---|");
        for (HardnessProfile h : profiles()) {
            System.out.printf("| %s | %.3f | %.1f | %.3f | %.3f |%n", h.temperature(), h.meanEntropy(), h.effectiveNegatives(),
                    h.top1PercentShare(), h.top10PercentShare());
        }
    }
}
