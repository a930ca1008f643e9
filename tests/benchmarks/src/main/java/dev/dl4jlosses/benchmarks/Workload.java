package dev.dl4jlosses.benchmarks;

import java.util.List;
import java.util.Map;

import dev.dl4jlosses.lossfunctions.ContrastiveLossFunction;
import dev.dl4jlosses.lossfunctions.LossCircle;
import dev.dl4jlosses.lossfunctions.LossDCL;
import dev.dl4jlosses.lossfunctions.LossDebiasedContrastive;
import dev.dl4jlosses.lossfunctions.LossInfoNCE;
import dev.dl4jlosses.lossfunctions.LossMultiSimilarity;
import dev.dl4jlosses.lossfunctions.LossNTXent;
import dev.dl4jlosses.lossfunctions.LossSigLIP;
import dev.dl4jlosses.lossfunctions.LossSimple;
import dev.dl4jlosses.lossfunctions.LossSupCon;
import dev.dl4jlosses.options.LogitScale;
import dev.dl4jlosses.samediff.SDContrastive;
import dev.dl4jlosses.samediff.SDReweightedContrastive;
import dev.dl4jlosses.samediff.SDSigLip;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One loss at one batch size B and width d, float32: the inputs and the four computations the benchmark times.
 * Pairwise losses take {@code [B, d]} embeddings with SimCLR ids (rows i and i + B/2 are the two views of image i);
 * InfoNCE and SigLIP take B query/key pairs ({@code [B, 2d]} for the DL4J loss, as a MergeVertex would give it).
 */
final class Workload {

    enum Loss {
        NTXENT, SUPCON, INFONCE, CIRCLE, SIMPLE, DCL, DCLW, HCL, DEBIASED, MULTISIM, SIGLIP;

        /** Two towers: B query/key (image/text) pairs. */
        boolean crossBatch() {
            return this == INFONCE || this == SIGLIP;
        }
    }

    /** Anchor rows per matrix product in {@link #matrixProducts()}, so that B = 65536 fits in memory. */
    static final int PRODUCT_BLOCK_ROWS = 4096;

    private static final IActivation IDENTITY = Activation.IDENTITY.getActivationFunction();

    private final Loss loss;
    private final int batch;
    private final int dim;
    private final INDArray embeddings;
    private final INDArray keys;
    private final INDArray ids;

    private ContrastiveLossFunction lossFunction;
    private INDArray preOutput;
    private SameDiff graph;
    private String lossName;
    private INDArray productLogits;
    private INDArray productGradient;
    private INDArray productOut;

    Workload(Loss loss, int batch, int dim) {
        this.loss = loss;
        this.batch = batch;
        this.dim = dim;
        Nd4j.getRandom().setSeed(42);
        this.embeddings = Nd4j.randn(DataType.FLOAT, batch, dim);
        this.keys = loss.crossBatch() ? Nd4j.randn(DataType.FLOAT, batch, dim) : null;
        this.ids = Nd4j.arange(0, batch).castTo(DataType.INT).fmod(Math.max(1, batch / 2)).reshape(batch, 1);
    }

    // ---- ILossFunction (DL4J front) ----

    void prepareLossFunction() {
        lossFunction = switch (loss) {
            case NTXENT -> new LossNTXent(0.5);
            case SUPCON -> new LossSupCon(0.1);
            case INFONCE -> new LossInfoNCE(0.07);
            case CIRCLE -> new LossCircle();
            case SIMPLE -> new LossSimple();
            case DCL -> LossDCL.builder().build();
            case DCLW -> LossDCL.builder().weighted(true).build();
            case HCL -> LossDebiasedContrastive.builder().build();
            case DEBIASED -> LossDebiasedContrastive.builder().beta(0).build();
            case MULTISIM -> new LossMultiSimilarity();
            case SIGLIP -> new LossSigLIP();
        };
        preOutput = loss.crossBatch() ? Nd4j.concat(1, embeddings, keys) : embeddings;
    }

    /** Loss and gradient as DL4J's output layer asks for them. */
    Object lossFunction() {
        return lossFunction.computeGradientAndScore(loss.crossBatch() ? null : ids.castTo(DataType.FLOAT), preOutput,
                IDENTITY, null, true);
    }

    // ---- SameDiff graph node (SDContrastive) ----

    void prepareNode() {
        graph = SameDiff.create();
        SDVariable z = graph.var("z", embeddings.dup());
        SDContrastive c = new SDContrastive(graph);
        SDReweightedContrastive r = new SDReweightedContrastive(graph);
        SDVariable out = switch (loss) {
            case NTXENT -> c.ntXent("loss", z, graph.constant("ids", ids), 0.5);
            case SUPCON -> c.supCon("loss", z, graph.constant("ids", ids), 0.1);
            case INFONCE -> c.infoNce("loss", z, graph.var("k", keys.dup()), 0.07);
            case CIRCLE -> c.circle("loss", z, graph.constant("ids", ids), 0.25, 256);
            case SIMPLE -> c.simple("loss", z, graph.constant("ids", ids), 1.0);
            case DCL -> r.dcl("loss", z, graph.constant("ids", ids), LogitScale.fixed(LossDCL.DEFAULT_TEMPERATURE), true, null);
            case DCLW -> r.dclw("loss", z, graph.constant("ids", ids), LossDCL.DEFAULT_TEMPERATURE, LossDCL.DEFAULT_SIGMA, true);
            case HCL, DEBIASED -> r.debiasedContrastive("loss", z, graph.constant("ids", ids),
                    LossDebiasedContrastive.DEFAULT_TEMPERATURE, LossDebiasedContrastive.DEFAULT_TAU_PLUS,
                    loss == Loss.HCL ? LossDebiasedContrastive.DEFAULT_BETA : 0, true);
            case MULTISIM -> r.multiSimilarity("loss", z, graph.constant("ids", ids), LossMultiSimilarity.DEFAULT_ALPHA,
                    LossMultiSimilarity.DEFAULT_BETA, LossMultiSimilarity.DEFAULT_BASE, null);
            case SIGLIP -> new SDSigLip(graph).sigLip("loss", z, graph.var("k", keys.dup()), LossSigLIP.DEFAULT_SCALE,
                    LossSigLIP.DEFAULT_BIAS);
        };
        lossName = out.name();
    }

    /** Loss value and its gradient with respect to the embeddings (and keys), as one training step needs them. */
    Object graph() {
        return graph.calculateGradientsAndOutputs(Map.of(), List.of(lossName),
                loss.crossBatch() ? List.of("z", "k") : List.of("z"));
    }

    // ---- naive SameDiff composite, differentiated by SameDiff's autodiff ----

    boolean hasNaiveComposite() {
        return NaiveComposite.supports(loss);
    }

    void prepareNaive() {
        graph = SameDiff.create();
        lossName = NaiveComposite.build(graph, loss, embeddings, keys, ids).name();
    }

    // ---- the matrix products the loss needs ----

    /**
     * Pairwise losses: the logits {@code U Uᵀ} and the backward product {@code (A + Aᵀ) U} (S = UUᵀ is symmetric), two
     * {@code B×d×B} products; InfoNCE and SigLIP: {@code Q Kᵀ}, {@code G K} and {@code Gᵀ Q}, three. Products run in row blocks of
     * {@link #PRODUCT_BLOCK_ROWS} into preallocated outputs (same flops as one product; B = 65536 would need 17 GB).
     */
    void prepareProducts() {
        int block = Math.min(batch, PRODUCT_BLOCK_ROWS);
        productLogits = Nd4j.create(DataType.FLOAT, block, batch);
        productGradient = Nd4j.rand(DataType.FLOAT, block, batch);
        productOut = Nd4j.create(DataType.FLOAT, batch, dim);
    }

    Object matrixProducts() {
        INDArray other = loss.crossBatch() ? keys : embeddings;
        for (int from = 0; from < batch; from += PRODUCT_BLOCK_ROWS) {
            int to = Math.min(batch, from + PRODUCT_BLOCK_ROWS);
            INDArray rows = embeddings.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(from, to),
                    org.nd4j.linalg.indexing.NDArrayIndex.all());
            INDArray outRows = productOut.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(from, to),
                    org.nd4j.linalg.indexing.NDArrayIndex.all());
            Nd4j.gemm(rows, other, productLogits, false, true, 1.0, 0.0);
            Nd4j.gemm(productGradient, other, outRows, false, false, 1.0, 0.0);
            if (loss.crossBatch()) {
                Nd4j.gemm(productGradient, rows, productOut, true, false, 1.0, 1.0);
            }
        }
        return productOut;
    }

    int batch() {
        return batch;
    }
}
