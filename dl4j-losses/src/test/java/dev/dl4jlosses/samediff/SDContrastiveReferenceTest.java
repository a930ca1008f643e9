package dev.dl4jlosses.samediff;

import static dev.dl4jlosses.testing.Assertions.assertClose;

import java.util.Map;

import dev.dl4jlosses.testing.ReferenceCase;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The SameDiff graph nodes against the PyTorch reference values (float64): mean loss and its gradients. */
class SDContrastiveReferenceTest {

    private static final double TOL = 1e-9;

    @ParameterizedTest
    @ValueSource(strings = {"ntxent_simclr_t05", "ntxent_classes_t01", "ntxent_dot_t1", "ntxent_hard_topk3_t02",
            "supcon_classes_t01", "supcon_simclr_t05", "supcon_dot_t1", "supcon_hard_threshold_t01",
            "supcon_hard_topfraction_t05", "simple_classes_l1", "simple_simclr_l05",
            "circle_classes_default", "circle_classes_m04_g32"})
    void pairwiseLosses(String name) {
        ReferenceCase c = ReferenceCase.load(name);
        SameDiff sd = SameDiff.create();
        SDVariable z = sd.var("z", c.array("embeddings"));
        SDVariable ids = sd.constant("ids", c.array("labels"));
        SDContrastive contrastive = new SDContrastive(sd);
        SDVariable loss;
        if (name.startsWith("ntxent")) {
            loss = contrastive.ntXent("loss", z, ids, c.number("temperature"), c.flag("normalize"), c.hardNegatives());
        } else if (name.startsWith("supcon")) {
            loss = contrastive.supCon("loss", z, ids, c.number("temperature"), c.flag("normalize"), c.hardNegatives());
        } else if (name.startsWith("simple")) {
            loss = contrastive.simple("loss", z, ids, c.number("lambda"));
        } else {
            loss = contrastive.circle("loss", z, ids, c.number("margin"), c.number("gamma"));
        }
        double count = c.array("valid").sumNumber().doubleValue();
        assertClose(c.number("meanLoss"), loss.eval().getDouble(0), TOL, TOL, name + " loss");
        Map<String, INDArray> grads = sd.calculateGradients(null, "z");
        assertClose(c.array("grad_embeddings").div(count), grads.get("z"), TOL, TOL, name + " gradient");
    }

    @ParameterizedTest
    @ValueSource(strings = {"infonce_t007", "infonce_negatives_t05", "infonce_ids_symmetric_t02", "infonce_all_t01",
            "infonce_hard_topfraction_t01"})
    void infoNce(String name) {
        ReferenceCase c = ReferenceCase.load(name);
        SameDiff sd = SameDiff.create();
        SDVariable q = sd.var("q", c.array("queries"));
        SDVariable k = sd.var("k", c.array("keys"));
        SDVariable n = c.has("negatives") ? sd.var("n", c.array("negatives")) : null;
        SDVariable ids = c.has("labels") ? sd.constant("ids", c.array("labels")) : null;
        SDVariable loss = new SDContrastive(sd).infoNce("loss", q, k, n, ids, c.number("temperature"), c.flag("symmetric"),
                c.hardNegatives());
        double count = c.array("queries").rows();
        assertClose(c.number("meanLoss"), loss.eval().getDouble(0), TOL, TOL, name + " loss");
        Map<String, INDArray> grads = n == null ? sd.calculateGradients(null, "q", "k") : sd.calculateGradients(null, "q", "k", "n");
        assertClose(c.array("grad_queries").div(count), grads.get("q"), TOL, TOL, name + " query gradient");
        assertClose(c.array("grad_keys").div(count), grads.get("k"), TOL, TOL, name + " key gradient");
        if (n != null) {
            assertClose(c.array("grad_negatives").div(count), grads.get("n"), TOL, TOL, name + " negatives gradient");
        }
    }
}
