package dev.dl4jlosses.core.eager;

import dev.dl4jlosses.core.math.BatchHardTripletKernel;
import dev.dl4jlosses.core.math.DistanceKernel;
import dev.dl4jlosses.core.math.LiftedStructureKernel;
import dev.dl4jlosses.core.math.MarginContrastiveKernel;
import dev.dl4jlosses.core.math.TripletMarginKernel;
import dev.dl4jlosses.testing.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The README's cost table of the distance losses: time of one loss-and-gradient evaluation (eager path, float32,
 * d = 64, 16 classes; median of 21 after 10 warm-up calls) and the size of the scratch workspace it leaves behind
 * (the temporaries of one evaluation). From the top directory:
 * <pre>
 * flock /tmp/mvn.lock mvn -o -q -pl dl4j-losses test-compile dependency:build-classpath -Dmdep.outputFile=cp.txt -Dmdep.includeScope=test
 * flock /tmp/mvn.lock java -cp dl4j-losses/target/test-classes:dl4j-losses/target/classes:$(cat dl4j-losses/cp.txt) dev.dl4jlosses.core.ClassicLossCost
 * </pre>
 * Where the dependency plugin cannot run offline, the same classpath is the {@code surefire.test.class.path} property
 * of any {@code dl4j-losses/target/surefire-reports/TEST-*.xml}. Times vary by up to 2× between runs on a shared
 * machine; the workspace sizes do not.
 */
public final class ClassicLossCost {

    private ClassicLossCost() {
    }

    public static void main(String[] args) {
        System.out.println("| loss | B | ms per loss + gradient | scratch workspace MB |");
        System.out.println("|---|---|---|---|");
        for (int batch : new int[] {64, 128, 256}) {
            INDArray z = Random.gaussian(1, DataType.FLOAT, batch, 64);
            INDArray ids = Random.ids(2, batch, 16);
            report("contrastive margin", new MarginContrastiveKernel(0, 1), z, ids);
            report("triplet, all", new TripletMarginKernel(0.05), z, ids);
            report("triplet, batch-hard", new BatchHardTripletKernel(0.05), z, ids);
            report("lifted structure", new LiftedStructureKernel(0, 1), z, ids);
        }
    }

    private static void report(String name, DistanceKernel kernel, INDArray z, INDArray ids) {
        Nd4j.getWorkspaceManager().destroyAllWorkspacesForCurrentThread();
        DistanceEvaluator e = new DistanceEvaluator(kernel, true);
        long[] nanos = new long[21];
        for (int i = -10; i < nanos.length; i++) {
            long start = System.nanoTime();
            e.evaluate(z, ids, null, true);
            if (i >= 0) {
                nanos[i] = System.nanoTime() - start;
            }
        }
        java.util.Arrays.sort(nanos);
        long bytes = ScratchWorkspace.enter(ScratchWorkspace.BATCH).getCurrentSize();
        System.out.printf("| %s | %d | %.1f | %.1f |%n", name, z.rows(), nanos[nanos.length / 2] / 1e6, bytes / 1e6);
    }
}
