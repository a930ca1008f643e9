package dev.dl4jlosses.lossfunctions;

import static dev.dl4jlosses.testing.Assertions.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.dl4jlosses.testing.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One loss instance used from several threads at once: what it keeps between calls (the two-view fast path's layout
 * of the last ids) is its own, replaced whole, and never taken for another thread's ids.
 */
class ConcurrentUseTest {

    private static final int THREADS = 4;
    private static final int CALLS = 25;
    private static final ActivationIdentity IDENTITY = new ActivationIdentity();

    /** Batches of 16 rows whose ids take different paths, each in its own thread, all through one LossNTXent. */
    @Test
    void oneNtXentInstanceGivesEachThreadItsOwnResult() throws Exception {
        List<INDArray> ids = List.of(
                Random.twoViewIds(8),                                                        // SimCLR's layout: fast path
                column(3, 0, 5, 1, 7, 2, 6, 4, 0, 4, 2, 6, 1, 3, 7, 5),                      // pairs scattered: fast path, reordered
                column(0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3),                      // SupCon classes: general path
                column(0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7));                     // an id three times, one once
        List<INDArray> embeddings = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            embeddings.add(Random.gaussian(40 + t, DataType.DOUBLE, 16, 6));
        }
        LossNTXent loss = new LossNTXent(0.2);
        List<Pair<Double, INDArray>> alone = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            alone.add(loss.computeGradientAndScore(ids.get(t), embeddings.get(t), IDENTITY, null, true));
        }

        CyclicBarrier start = new CyclicBarrier(THREADS);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<List<Pair<Double, INDArray>>>> runs = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                runs.add(pool.submit(() -> {
                    start.await();
                    List<Pair<Double, INDArray>> results = new ArrayList<>();
                    for (int call = 0; call < CALLS; call++) {
                        results.add(loss.computeGradientAndScore(ids.get(thread), embeddings.get(thread), IDENTITY, null, true));
                    }
                    return results;
                }));
            }
            for (int t = 0; t < THREADS; t++) {
                List<Pair<Double, INDArray>> results = runs.get(t).get(5, TimeUnit.MINUTES);
                assertEquals(CALLS, results.size());
                for (int call = 0; call < CALLS; call++) {
                    String what = "thread " + t + ", call " + call;
                    assertClose(alone.get(t).getFirst(), results.get(call).getFirst(), 1e-12, 0, what + ": score");
                    assertClose(alone.get(t).getSecond(), results.get(call).getSecond(), 1e-12, 1e-14, what + ": gradient");
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static INDArray column(double... ids) {
        return Nd4j.createFromArray(ids).reshape(ids.length, 1);
    }
}
