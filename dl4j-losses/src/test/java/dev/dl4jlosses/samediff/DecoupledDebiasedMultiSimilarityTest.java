package dev.dl4jlosses.samediff;

import static dev.dl4jlosses.testing.Assertions.assertClose;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.stream.Stream;

import dev.dl4jlosses.lossfunctions.LossDCL;
import dev.dl4jlosses.lossfunctions.LossDebiasedContrastive;
import dev.dl4jlosses.lossfunctions.LossMultiSimilarity;
import dev.dl4jlosses.options.LogitScale;
import dev.dl4jlosses.testing.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The decoupled (DCL, DCLW), debiased/hard-negative-weighted (HCL) and multi-similarity losses: both fronts give the
 * same values and gradients, SameDiff's GradCheckUtil accepts the nodes, and DCL is its definition.
 */
class DecoupledDebiasedMultiSimilarityTest {

    private static final double TEMPERATURE = 0.3;

    static Stream<NodeChecks.Case> cases() {
        return Stream.of(
                new NodeChecks.Case("DCL τ=0.3", (c, v) -> reweighted(v).dcl("loss", v[0], v[1], LogitScale.fixed(0.3), true, null),
                        LossDCL.builder().temperature(0.3).build()),
                new NodeChecks.Case("DCLW τ=0.2 σ=0.5", (c, v) -> reweighted(v).dclw("loss", v[0], v[1], 0.2, 0.5, true),
                        LossDCL.builder().temperature(0.2).weighted(true).build()),
                new NodeChecks.Case("debiased τ=0.5 τ⁺=0.1", (c, v) -> reweighted(v).debiasedContrastive("loss", v[0], v[1], 0.5, 0.1, 0, true),
                        LossDebiasedContrastive.builder().beta(0).build()),
                new NodeChecks.Case("HCL τ=0.2 τ⁺=0.1 β=1", (c, v) -> reweighted(v).debiasedContrastive("loss", v[0], v[1], 0.2, 0.1, 1, true),
                        LossDebiasedContrastive.builder().temperature(0.2).build()),
                new NodeChecks.Case("multi-similarity α=2 β=50 λ=0.5", (c, v) -> reweighted(v).multiSimilarity("loss", v[0], v[1], 2, 50, 0.5, null),
                        new LossMultiSimilarity()),
                new NodeChecks.Case("multi-similarity mined ε=0.1 α=2 β=10", (c, v) -> reweighted(v).multiSimilarity("loss", v[0], v[1], 2, 10,
                        0.5, 0.1), LossMultiSimilarity.builder().beta(10).mining(true).build()));
    }

    private static SDReweightedContrastive reweighted(SDVariable[] inputs) {
        return new SDReweightedContrastive(inputs[0].getSameDiff());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void bothFrontsGiveTheSameLossAndGradient(NodeChecks.Case c) {
        INDArray z = Random.gaussian(61, DataType.DOUBLE, 12, 5);
        INDArray ids = Nd4j.createFromArray(0.0, 1, 2, 3, 0, 1, 2, 3, 4, 4, 4, 1).reshape(12, 1);
        INDArray rowLoss = c.dl4j().computeScoreArray(ids, z, new ActivationIdentity(), null);
        SameDiff sd = SameDiff.create();
        SDVariable embeddings = sd.var("z", z);
        SDVariable loss = c.node().apply(new SDContrastive(sd), new SDVariable[] {embeddings,
                sd.constant(ids.reshape(12).castTo(DataType.INT))});
        assertClose(rowLoss.sumNumber().doubleValue() / 12, loss.eval().getDouble(0), 1e-12, 1e-12,
                c + ": SameDiff = the DL4J rows' mean (every anchor is valid)");
        assertClose(c.dl4j().computeGradient(ids, z, new ActivationIdentity(), null).div(12), sd.calculateGradients(null, "z").get("z"),
                1e-10, 1e-12, c + ": SameDiff gradient = DL4J gradient / B");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void sameDiffsGradCheckAcceptsTheNode(NodeChecks.Case c) {
        assertTrue(NodeChecks.gradientCheckBehindTanhLayer(c.node(), 62, 63, 64), c.toString());
    }

    @Test
    void dclIsLseOverNegativesMinusThePositiveLogit() {
        INDArray z = Random.gaussian(65, DataType.DOUBLE, 8, 5);
        INDArray ids = Nd4j.createFromArray(0.0, 1, 2, 3, 0, 1, 2, 3).reshape(8, 1);
        INDArray rowLoss = LossDCL.builder().temperature(TEMPERATURE).build().computeScoreArray(ids, z, new ActivationIdentity(), null);
        INDArray u = z.div(Transforms.sqrt(z.mul(z).sum(true, 1)));
        INDArray logits = u.mmul(u.transpose()).divi(TEMPERATURE);
        INDArray same = ids.eq(ids.reshape(1, 8)).castTo(DataType.DOUBLE);
        INDArray lse = Transforms.log(Transforms.exp(logits).muli(same.rsub(1)).sum(true, 1));
        assertClose(lse.subi(logits.mul(same.sub(Nd4j.eye(8))).sum(true, 1)), rowLoss, 1e-12, 1e-12, "DCL rows");
    }

    @Test
    void badHyperParametersAreRefusedByName() {
        SameDiff sd = SameDiff.create();
        SDVariable z = sd.var("z", DataType.FLOAT, 4, 2);
        Map<String, Executable> bad = Map.of(
                "sigma", () -> LossDCL.builder().sigma(0).build(),
                "tauPlus", () -> LossDebiasedContrastive.builder().tauPlus(1).build(),
                "beta", () -> LossDebiasedContrastive.builder().beta(-1).build(),
                "alpha", () -> LossMultiSimilarity.builder().alpha(0).build(),
                "temperature", () -> new SDReweightedContrastive(sd).dclw("l", z, null, 0, 0.5, true));
        bad.forEach((name, call) -> assertTrue(assertThrows(IllegalArgumentException.class, call).getMessage().contains(name), name));
    }
}
