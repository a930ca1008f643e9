package dev.dl4jlosses.benchmarks;

import java.io.IOException;

import dev.dl4jlosses.lossfunctions.LossSigLIP;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One cold SigLIP forward + backward ({@code LossSigLIP}, float32) of N random image/text pairs, d wide, with a given
 * working-memory budget, in a fresh JVM, and the process's peak RSS: the "N = 65,536 under 2 GB" check, and
 * how the budget trades memory for time. Arguments: N (default 65536), d (128), budget in MiB (default
 * {@code LossSigLIP}'s, 256).
 *
 * <pre>java -Xmx1g -cp tests/benchmarks/target/benchmarks.jar dev.dl4jlosses.benchmarks.SigLipLargeBatch 65536 128 256</pre>
 */
public final class SigLipLargeBatch {

    private SigLipLargeBatch() {
    }

    public static void main(String[] args) throws IOException {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 65536;
        int d = args.length > 1 ? Integer.parseInt(args[1]) : 128;
        long budgetMiB = args.length > 2 ? Long.parseLong(args[2]) : LossSigLIP.DEFAULT_MEMORY_BUDGET >> 20;
        Nd4j.getRandom().setSeed(42);
        INDArray preOutput = Nd4j.randn(DataType.FLOAT, n, 2L * d);
        INDArray ids = Nd4j.arange(0, n).castTo(DataType.FLOAT).reshape(n, 1);
        LossSigLIP loss = LossSigLIP.builder().memoryBudgetBytes(budgetMiB << 20).build();
        long before = PeakMemory.residentKb();
        long start = System.nanoTime();
        var result = loss.computeGradientAndScore(ids, preOutput, new ActivationIdentity(), null, true);
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("SigLIP N=%d d=%d budget=%d MiB: %.1f s, score %.6f, gradient norm %.4f, peak RSS %d MiB "
                        + "(%d MiB before the call)%n", n, d, budgetMiB, seconds, result.getFirst(),
                result.getSecond().norm2Number().doubleValue(), PeakMemory.residentKb() / 1024, before / 1024);
    }
}
