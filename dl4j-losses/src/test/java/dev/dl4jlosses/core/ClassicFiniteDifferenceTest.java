package dev.dl4jlosses.core;

import static dev.dl4jlosses.core.FiniteDifferenceTest.numericGradient;
import static dev.dl4jlosses.testing.Assertions.assertClose;

import java.util.function.Function;
import java.util.stream.Stream;

import dev.dl4jlosses.core.eager.DistanceEvaluator;
import dev.dl4jlosses.core.eager.NDArrayOps;
import dev.dl4jlosses.core.engine.NoiseContrastiveEstimation;
import dev.dl4jlosses.core.math.BatchHardTripletKernel;
import dev.dl4jlosses.core.math.DistanceKernel;
import dev.dl4jlosses.core.math.LiftedStructureKernel;
import dev.dl4jlosses.core.math.MarginContrastiveKernel;
import dev.dl4jlosses.core.math.TripletMarginKernel;
import dev.dl4jlosses.testing.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Analytic gradients of the classic losses against central finite differences, in float64, with an example mask. */
class ClassicFiniteDifferenceTest {

    static Stream<Arguments> distanceCases() {
        return Stream.of(
                Arguments.of("contrastive, defaults", new MarginContrastiveKernel(0, 1), true),
                Arguments.of("contrastive m_p=1 m_n=3, raw rows", new MarginContrastiveKernel(1, 3), false),
                Arguments.of("triplet, all, m=0.05", new TripletMarginKernel(0.05), true),
                Arguments.of("triplet, all, m=1, raw rows", new TripletMarginKernel(1), false),
                Arguments.of("triplet, batch-hard, m=0.2", new BatchHardTripletKernel(0.2), true),
                Arguments.of("triplet, batch-hard, m=1, raw rows", new BatchHardTripletKernel(1), false),
                Arguments.of("lifted, defaults", new LiftedStructureKernel(0, 1), true),
                Arguments.of("lifted m_n=2 m_p=0.5, raw rows", new LiftedStructureKernel(0.5, 2), false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("distanceCases")
    void distanceLosses(String name, DistanceKernel kernel, boolean normalize) {
        INDArray z = Random.gaussian(17, DataType.DOUBLE, 9, 4);
        INDArray ids = Random.ids(18, 9, 3);
        INDArray keep = Nd4j.createFromArray(1.0, 1, 1, 0, 1, 1, 1, 1, 1).reshape(9, 1);
        DistanceEvaluator e = new DistanceEvaluator(kernel, normalize);
        INDArray analytic = e.evaluate(z, ids, keep, true).gradient();
        INDArray numeric = numericGradient(z, x -> e.evaluate(x, ids, keep, false).loss());
        assertClose(numeric, analytic, 1e-5, 1e-7, name);
        assertClose(0.0, analytic.getRow(3).norm2Number().doubleValue(), 0, 0, name + ": a masked row gets no gradient");
    }

    @ParameterizedTest(name = "noise per anchor = {0}")
    @ValueSource(ints = {0, 2})
    void nce(int noisePerAnchor) {
        INDArray a = Random.gaussian(21, DataType.DOUBLE, 5, 4);
        INDArray p = Random.gaussian(22, DataType.DOUBLE, 5, 4);
        INDArray n = Random.gaussian(23, DataType.DOUBLE, noisePerAnchor == 0 ? 3 : 5 * noisePerAnchor, 4);
        INDArray logQPositives = Nd4j.rand(DataType.DOUBLE, 5, 1).subi(3);
        INDArray logQNoise = Nd4j.rand(DataType.DOUBLE, 1, n.rows()).subi(3);
        INDArray keep = Nd4j.createFromArray(1.0, 0, 1, 1, 1).reshape(5, 1);
        for (boolean normalize : new boolean[] {false, true}) {
            double scale = normalize ? 5 : 1;
            Function<INDArray[], NoiseContrastiveEstimation.Output<INDArray>> f = x -> NoiseContrastiveEstimation.evaluate(
                    NDArrayOps.INSTANCE, x[0], x[1], x[2], logQPositives, logQNoise, noisePerAnchor, keep, scale, normalize, x.length > 3);
            NoiseContrastiveEstimation.Output<INDArray> r = f.apply(new INDArray[] {a, p, n, null});
            String what = "NCE noisePerAnchor=" + noisePerAnchor + " normalize=" + normalize;
            assertClose(numericGradient(a, x -> f.apply(new INDArray[] {x, p, n}).rowLoss().sumNumber().doubleValue()),
                    r.gradAnchors(), 1e-5, 1e-7, what + " anchors");
            assertClose(numericGradient(p, x -> f.apply(new INDArray[] {a, x, n}).rowLoss().sumNumber().doubleValue()),
                    r.gradPositives(), 1e-5, 1e-7, what + " positives");
            assertClose(numericGradient(n, x -> f.apply(new INDArray[] {a, p, x}).rowLoss().sumNumber().doubleValue()),
                    r.gradNoise(), 1e-5, 1e-7, what + " noise");
        }
    }
}
