package dev.dl4jlosses.benchmarks;

import dev.dl4jlosses.benchmarks.Workload.Loss;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The baseline a SameDiff user would write first: normalise, matrix product, mask, log-sum-exp (keepDims forms, the
 * ones whose backward works in M2.1), mean; SameDiff's autodiff makes the backward pass. The masks are graph
 * constants computed once, which favours the baseline.
 */
final class NaiveComposite {

    private static final double MASKED = -1e9;

    private NaiveComposite() {
    }

    static boolean supports(Loss loss) {
        return loss == Loss.NTXENT || loss == Loss.SUPCON || loss == Loss.INFONCE;
    }

    /** @return the scalar loss, a function of the variables "z" (and "k" for InfoNCE) */
    static SDVariable build(SameDiff sd, Loss loss, INDArray embeddings, INDArray keys, INDArray ids) {
        SDVariable z = unit(sd.var("z", embeddings.dup()));
        int batch = (int) embeddings.rows();
        INDArray eye = Nd4j.eye(batch).castTo(DataType.FLOAT);
        if (loss == Loss.INFONCE) {
            SDVariable logits = sd.mmul(z, unit(sd.var("k", keys.dup())), false, true, false).div(0.07);
            SDVariable positive = logits.mul(sd.constant(eye)).sum(true, 1);
            return sd.mean("loss", logSumExp(logits).sub(positive));
        }
        double temperature = loss == Loss.NTXENT ? 0.5 : 0.1;
        INDArray idsFloat = ids.castTo(DataType.FLOAT);
        INDArray positives = idsFloat.eq(idsFloat.reshape(1, batch)).castTo(DataType.FLOAT).subi(eye);
        SDVariable logits = sd.mmul(z, z, false, true, false).div(temperature);
        SDVariable withoutSelf = logits.add(sd.constant(eye.mul(MASKED)));
        // NT-Xent with SimCLR ids has one positive per row: its denominator is the sum over all k ≠ i, as SupCon's
        SDVariable logProb = logits.sub(logSumExp(withoutSelf));
        SDVariable positiveMask = sd.constant(positives);
        SDVariable perAnchor = logProb.mul(positiveMask).sum(true, 1).div(positiveMask.sum(true, 1));
        return sd.mean("loss", perAnchor.neg());
    }

    private static SDVariable unit(SDVariable x) {
        return x.div(x.mul(x).sum(true, 1).add(1e-12).pow(0.5));
    }

    private static SDVariable logSumExp(SDVariable x) {
        SDVariable max = x.max(true, 1);
        SameDiff sd = x.getSameDiff();
        return sd.math().log(sd.math().exp(x.sub(max)).sum(true, 1)).add(max);
    }
}
