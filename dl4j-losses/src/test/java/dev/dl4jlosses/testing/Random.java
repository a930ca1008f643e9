package dev.dl4jlosses.testing;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Seeded test inputs. */
public final class Random {

    private Random() {
    }

    public static INDArray gaussian(long seed, DataType type, long rows, long columns) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.randn(type, rows, columns);
    }

    /** Ids {@code [n, 1]} of {@code classes} classes, each appearing at least twice when n >= 2·classes. */
    public static INDArray ids(long seed, int n, int classes) {
        java.util.Random r = new java.util.Random(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = i < 2 * classes ? i % classes : r.nextInt(classes);
        }
        return Nd4j.createFromArray(v).reshape(n, 1);
    }

    /** SimCLR ids: {@code 0..n-1, 0..n-1} as a {@code [2n, 1]} column. */
    public static INDArray twoViewIds(int n) {
        return Nd4j.concat(0, Nd4j.arange(n), Nd4j.arange(n)).castTo(DataType.DOUBLE).reshape(2L * n, 1);
    }
}
