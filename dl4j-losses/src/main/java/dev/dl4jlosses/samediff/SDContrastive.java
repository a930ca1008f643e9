package dev.dl4jlosses.samediff;

import java.util.Arrays;
import java.util.List;

import dev.dl4jlosses.core.Checks;
import dev.dl4jlosses.core.ComputePrecision;
import dev.dl4jlosses.core.engine.NoiseContrastiveEstimation;
import dev.dl4jlosses.core.math.BatchHardTripletKernel;
import dev.dl4jlosses.core.math.CircleKernel;
import dev.dl4jlosses.core.math.ContrastiveKernel;
import dev.dl4jlosses.core.math.DistanceKernel;
import dev.dl4jlosses.core.math.LiftedStructureKernel;
import dev.dl4jlosses.core.math.MarginContrastiveKernel;
import dev.dl4jlosses.core.math.NTXentKernel;
import dev.dl4jlosses.core.math.NegativeSelection;
import dev.dl4jlosses.core.math.Reduction;
import dev.dl4jlosses.core.math.SimpleLossKernel;
import dev.dl4jlosses.core.math.SoftmaxCrossEntropyKernel;
import dev.dl4jlosses.core.math.TripletMarginKernel;
import dev.dl4jlosses.options.HardNegatives;
import dev.dl4jlosses.options.LogitScale;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * Contrastive losses as SameDiff graph nodes, in the style of SameDiff's own {@code SDLoss}: name first, then
 * variables, then hyper-parameters. Each method returns the scalar loss (marked as a loss variable), the mean over
 * valid anchors (0 when none is valid; the contrastive margin, triplet and lifted losses are reduced over the pairs or
 * triplets of the batch instead, as pytorch-metric-learning reduces them); all its ops sit under one name scope, so
 * the graph reads as one node per loss. The nodes are compositions of built-in ops, so graphs train with {@code sd.fit}, save with
 * {@code sd.save} and reload with {@code SameDiff.load} anywhere ND4J runs.
 *
 * <p>Definitions, defaults and conventions are those of the DL4J front ({@code dev.dl4jlosses.lossfunctions}):
 * embeddings {@code [B, d]}, labels a vector of B integer ids (any numeric type), cosine similarity unless
 * {@code normalize=false}. float16/bfloat16 inputs are computed in float32 and the loss is returned in the input's
 * type. The backward pass is the losses' analytic gradient (see {@link AnalyticGradient}). NT-Xent, SupCon and
 * InfoNCE take an optional last {@link HardNegatives} argument that keeps only each anchor's hardest negatives.
 * SigLIP, with its learnable scale and bias, is {@link SDSigLip}; DCL, the debiased loss, HCL and multi-similarity
 * are {@link SDReweightedContrastive}.
 *
 * <pre>{@code
 * SameDiff sd = SameDiff.create();
 * SDVariable x = sd.placeHolder("x", DataType.FLOAT, -1, 784);
 * SDVariable ids = sd.placeHolder("ids", DataType.INT, -1);
 * SDVariable w = sd.var("w", new XavierInitScheme('c', 784, 64), DataType.FLOAT, 784, 64);
 * SDVariable loss = new SDContrastive(sd).ntXent("loss", x.mmul(w), ids, 0.5);
 * sd.setTrainingConfig(TrainingConfig.builder().updater(new Adam(1e-3))
 *         .dataSetFeatureMapping("x").dataSetLabelMapping("ids").build());
 * }</pre>
 */
public final class SDContrastive {

    private final SameDiff sd;
    private final SameDiffOps ops;
    private final GraphRunner runner;

    public SDContrastive(SameDiff sd) {
        this.sd = sd;
        this.ops = new SameDiffOps(sd);
        this.runner = new GraphRunner(sd, ops);
    }

    /** NT-Xent (SimCLR) with label ids, cosine similarity. See {@code LossNTXent}. */
    public SDVariable ntXent(String name, SDVariable embeddings, SDVariable labels, double temperature) {
        return ntXent(name, embeddings, labels, temperature, true);
    }

    /** NT-Xent (SimCLR) with label ids; {@code normalize=false} uses raw dot products. */
    public SDVariable ntXent(String name, SDVariable embeddings, SDVariable labels, double temperature, boolean normalize) {
        return ntXent(name, embeddings, labels, LogitScale.fixed(temperature), normalize, null, null);
    }

    /** NT-Xent with only each anchor's hardest negatives ({@code hardNegatives} null: all). See {@link HardNegatives}. */
    public SDVariable ntXent(String name, SDVariable embeddings, SDVariable labels, double temperature, boolean normalize,
                             HardNegatives hardNegatives) {
        return ntXent(name, embeddings, labels, LogitScale.fixed(temperature), normalize, hardNegatives, null);
    }

    /** NT-Xent with a constant or learnable temperature and a memory queue (or null). */
    public SDVariable ntXent(String name, SDVariable embeddings, SDVariable labels, LogitScale scale, boolean normalize,
                             SDMemoryQueue queue) {
        return ntXent(name, embeddings, labels, scale, normalize, null, queue);
    }

    /**
     * NT-Xent, full form.
     *
     * @param scale         the temperature, constant or learnable ({@link LogitScale})
     * @param hardNegatives which negatives each anchor keeps ({@link HardNegatives}), or null for all
     * @param queue         a memory queue whose entries are extra negatives (those with an anchor's id excepted) and
     *                      into which each training step enqueues its batch, or null; see {@link SDMemoryQueue}
     */
    public SDVariable ntXent(String name, SDVariable embeddings, SDVariable labels, LogitScale scale, boolean normalize,
                             HardNegatives hardNegatives, SDMemoryQueue queue) {
        return pairwise(name, "ntXent", NTXentKernel.INSTANCE, hardNegatives, embeddings, labels, normalize, scale, queue);
    }

    /**
     * SimCLR's NT-Xent over two views {@code [N, d]} each: row i of both views is image i; all 2N rows are anchors.
     * The graph fixes each anchor's positive, so the node takes the two-view form ({@link TwoViewBodies}: a few
     * {@code N×N} arrays per step); only at temperatures where a sum over negatives could underflow without a row
     * maximum (τ below about 0.029 in float32) the general one.
     */
    public SDVariable simClr(String name, SDVariable view1, SDVariable view2, double temperature) {
        LogitScale scale = LogitScale.fixed(temperature);
        if (!TwoViewBodies.covers(ComputePrecision.of(view1.dataType()), 1 / temperature)) {
            return twoViews(name, "simClr", NTXentKernel.INSTANCE, view1, view2, scale);
        }
        GraphChecks.matrix("view1", view1);
        GraphChecks.matrix("view2", view2);
        GraphChecks.sameStaticShape("view1", view1, "view2", view2);
        return runner.run(name, "simClr", Reduction.MEAN_OVER_VALID_ANCHORS, List.of(view1, view2), scale, null,
                TwoViewBodies.ntXent(ops, 1 / temperature));
    }

    /** SupCon {@code L_out} (Khosla et al. 2020). See {@code LossSupCon}. */
    public SDVariable supCon(String name, SDVariable embeddings, SDVariable labels, double temperature) {
        return supCon(name, embeddings, labels, temperature, true);
    }

    public SDVariable supCon(String name, SDVariable embeddings, SDVariable labels, double temperature, boolean normalize) {
        return supCon(name, embeddings, labels, LogitScale.fixed(temperature), normalize, null);
    }

    /** SupCon with only each anchor's hardest negatives ({@code hardNegatives} null: all). See {@link HardNegatives}. */
    public SDVariable supCon(String name, SDVariable embeddings, SDVariable labels, double temperature, boolean normalize,
                             HardNegatives hardNegatives) {
        return supCon(name, embeddings, labels, LogitScale.fixed(temperature), normalize, hardNegatives);
    }

    /** SupCon with a constant or learnable temperature ({@link LogitScale}). */
    public SDVariable supCon(String name, SDVariable embeddings, SDVariable labels, LogitScale scale, boolean normalize) {
        return supCon(name, embeddings, labels, scale, normalize, null);
    }

    /** SupCon, full form: constant or learnable temperature, hardest negatives only (or null for all). */
    public SDVariable supCon(String name, SDVariable embeddings, SDVariable labels, LogitScale scale, boolean normalize,
                             HardNegatives hardNegatives) {
        return pairwise(name, "supCon", SoftmaxCrossEntropyKernel.INSTANCE, hardNegatives, embeddings, labels, normalize,
                scale, null);
    }

    /**
     * {@code L_simple} (Wang &amp; Liu 2021): {@code -mean_p s_ip + λ·mean_n s_in} per anchor, cosine similarity, λ > 0.
     * See {@code LossSimple}.
     */
    public SDVariable simple(String name, SDVariable embeddings, SDVariable labels, double lambda) {
        Checks.positive("lambda", lambda);
        return pairwise(name, "simple", new SimpleLossKernel(lambda), null, embeddings, labels, true, LogitScale.fixed(1.0), null);
    }

    /** Circle loss (Sun et al. 2020), m in [0, 1), γ > 0, cosine similarity, α held constant. See {@code LossCircle}. */
    public SDVariable circle(String name, SDVariable embeddings, SDVariable labels, double margin, double gamma) {
        return circle(name, embeddings, labels, margin, gamma, true);
    }

    /** Circle loss; {@code detachWeights=false} lets the gradient flow through the weights α too. */
    public SDVariable circle(String name, SDVariable embeddings, SDVariable labels, double margin, double gamma,
                             boolean detachWeights) {
        Checks.inRange("margin m", margin, 0, 1);
        Checks.positive("gamma", gamma);
        return pairwise(name, "circle", new CircleKernel(margin, gamma, detachWeights), null, embeddings, labels, true,
                LogitScale.fixed(1.0), null);
    }

    /** InfoNCE with in-batch negatives: query i's positive is key i. See {@code LossInfoNCE}. */
    public SDVariable infoNce(String name, SDVariable queries, SDVariable keys, double temperature) {
        return infoNce(name, queries, keys, null, null, temperature, false);
    }

    /**
     * InfoNCE, full form.
     *
     * @param negatives {@code [M, d]} explicit negatives shared by all queries, or null
     * @param labels    ids of the pairs ({@code [N]}), or null: keys with the query's id are not its negatives
     * @param symmetric also average the keys-to-queries direction (CLIP); explicit negatives take part only in the
     *                  queries-to-keys direction
     */
    public SDVariable infoNce(String name, SDVariable queries, SDVariable keys, SDVariable negatives, SDVariable labels,
                              double temperature, boolean symmetric) {
        return infoNce(name, queries, keys, negatives, labels, LogitScale.fixed(temperature), symmetric, null);
    }

    /**
     * InfoNCE with only each query's (and, when symmetric, each key's) hardest negatives ({@code hardNegatives} null:
     * all). See {@link HardNegatives}.
     */
    public SDVariable infoNce(String name, SDVariable queries, SDVariable keys, SDVariable negatives, SDVariable labels,
                              double temperature, boolean symmetric, HardNegatives hardNegatives) {
        return infoNce(name, queries, keys, negatives, labels, LogitScale.fixed(temperature), symmetric, hardNegatives);
    }

    /** InfoNCE with a constant or learnable temperature ({@link LogitScale}; CLIP: learnable, symmetric). */
    public SDVariable infoNce(String name, SDVariable queries, SDVariable keys, SDVariable negatives, SDVariable labels,
                              LogitScale scale, boolean symmetric) {
        return infoNce(name, queries, keys, negatives, labels, scale, symmetric, null);
    }

    /**
     * InfoNCE, full form: constant or learnable temperature, hardest negatives only (or null for all). Without labels,
     * explicit negatives or hard negatives and with a constant temperature, the node takes the one-to-one form
     * ({@link TwoViewBodies}: one {@code N×N} exponential for both directions).
     */
    public SDVariable infoNce(String name, SDVariable queries, SDVariable keys, SDVariable negatives, SDVariable labels,
                              LogitScale scale, boolean symmetric, HardNegatives hardNegatives) {
        if (negatives != null) {
            GraphChecks.matrix("negatives", negatives);
        }
        if (negatives == null && labels == null && hardNegatives == null && !scale.isLearnable()
                && TwoViewBodies.covers(ComputePrecision.of(queries.dataType()), 1 / scale.temperature())) {
            // query i's only positive is key i and every other key is a negative: the one-to-one form
            GraphChecks.matrix("queries", queries);
            GraphChecks.matrix("keys", keys);
            GraphChecks.sameStaticShape("queries", queries, "keys", keys);
            return runner.run(name, "infoNce", Reduction.MEAN_OVER_VALID_ANCHORS, List.of(queries, keys), scale, null,
                    TwoViewBodies.infoNce(ops, 1 / scale.temperature(), symmetric));
        }
        return crossEntropy(SoftmaxCrossEntropyKernel.INSTANCE, name, "infoNce", queries, keys, negatives, null, labels, scale,
                symmetric, hardNegatives, true);
    }

    /**
     * InfoNCE with a memory queue (MoCo): the queue's entries are extra negatives of every query, except those with the
     * query's id, and each training step enqueues its keys and ids; see {@link SDMemoryQueue}.
     *
     * @param labels ids of the pairs ({@code [N]}), required
     */
    public SDVariable infoNceWithQueue(String name, SDVariable queries, SDVariable keys, SDMemoryQueue queue,
                                       SDVariable labels, LogitScale scale, boolean symmetric) {
        if (queue == null || labels == null) {
            throw new IllegalArgumentException("infoNce with a memory queue needs the queue and the pairs' ids (labels); got "
                    + (queue == null ? "no queue" : "no labels"));
        }
        return crossEntropy(SoftmaxCrossEntropyKernel.INSTANCE, name, "infoNce", queries, keys, null, queue, labels, scale,
                symmetric, null, true);
    }

    /**
     * Contrastive margin loss (Chopra et al. 2005, Hadsell et al. 2006) with pytorch-metric-learning's defaults:
     * {@code m_p = 0}, {@code m_n = 1}, Euclidean distance of L2-normalised rows. See {@code LossContrastiveMargin}.
     */
    public SDVariable contrastiveMargin(String name, SDVariable embeddings, SDVariable labels) {
        return contrastiveMargin(name, embeddings, labels, 0, 1, true);
    }

    /** Contrastive margin loss: {@code 0 <= m_p < m_n}; {@code normalize=false} measures raw rows. */
    public SDVariable contrastiveMargin(String name, SDVariable embeddings, SDVariable labels, double positiveMargin,
                                        double negativeMargin, boolean normalize) {
        Checks.marginPair(positiveMargin, negativeMargin);
        return distanceLoss(name, "contrastiveMargin", new MarginContrastiveKernel(positiveMargin, negativeMargin),
                embeddings, labels, normalize);
    }

    /**
     * Triplet margin loss over all valid triplets (Schroff et al. 2015), m > 0 (pytorch-metric-learning: 0.05),
     * normalised rows. See {@code LossTripletMargin}.
     */
    public SDVariable tripletMargin(String name, SDVariable embeddings, SDVariable labels, double margin) {
        return tripletMargin(name, embeddings, labels, margin, false, true);
    }

    /**
     * Triplet margin loss; {@code batchHard}: each anchor's farthest positive and nearest negative only (Hermans et al.
     * 2017); {@code normalize=false} measures raw rows.
     */
    public SDVariable tripletMargin(String name, SDVariable embeddings, SDVariable labels, double margin, boolean batchHard,
                                    boolean normalize) {
        Checks.positive("margin", margin);
        return distanceLoss(name, "tripletMargin", batchHard ? new BatchHardTripletKernel(margin) : new TripletMarginKernel(margin),
                embeddings, labels, normalize);
    }

    /**
     * Lifted structured loss, smooth form (Song et al. 2016), {@code m_n = 1}, {@code m_p = 0}, normalised rows. See
     * {@code LossLiftedStructure}.
     */
    public SDVariable liftedStructure(String name, SDVariable embeddings, SDVariable labels) {
        return liftedStructure(name, embeddings, labels, 1, 0, true);
    }

    /** Lifted structured loss with margins {@code m_n}, {@code m_p}; {@code normalize=false} measures raw rows. */
    public SDVariable liftedStructure(String name, SDVariable embeddings, SDVariable labels, double negativeMargin,
                                      double positiveMargin, boolean normalize) {
        Checks.finiteNumber("negative margin m_n", negativeMargin);
        Checks.finiteNumber("positive margin m_p", positiveMargin);
        return distanceLoss(name, "liftedStructure", new LiftedStructureKernel(positiveMargin, negativeMargin), embeddings,
                labels, normalize);
    }

    /**
     * Multi-class N-pair loss (Sohn 2016): anchor i against the positives {@code [N, d]} of all pairs, its own being
     * the target. See {@code LossNPairs}.
     *
     * @param labels    class ids of the pairs ({@code [N]}), or null: positives of the anchor's class other than its
     *                  own are not its negatives
     * @param normalize cosine similarity (true, pytorch-metric-learning's default) or raw dot products (Sohn)
     */
    public SDVariable nPairs(String name, SDVariable anchors, SDVariable positives, SDVariable labels, boolean normalize) {
        return crossEntropy(SoftmaxCrossEntropyKernel.INSTANCE, name, "nPairs", anchors, positives, null, null, labels,
                LogitScale.fixed(1.0), false, null, normalize);
    }

    /**
     * Noise-contrastive estimation (Gutmann &amp; Hyvärinen 2010): each anchor's positive against k noise samples by
     * logistic regression on {@code G = s/τ - log(k·q)}. See {@code LossNCE} and {@link NoiseContrastiveEstimation}.
     *
     * @param anchors           {@code [N, d]}
     * @param positives         {@code [N, d]}
     * @param noise             {@code [M, d]}: shared by all anchors ({@code noisePerAnchor = 0}, k = M), or k per
     *                          anchor ({@code noisePerAnchor = k}, {@code M = N·k}, anchor i owning rows i·k .. i·k+k-1)
     * @param logNoisePositives {@code [N]} natural log of q for each positive
     * @param logNoise          {@code [M]} natural log of q for each noise sample
     */
    public SDVariable nce(String name, SDVariable anchors, SDVariable positives, SDVariable noise, SDVariable logNoisePositives,
                          SDVariable logNoise, int noisePerAnchor, double temperature, boolean normalize) {
        GraphChecks.nceInputs(anchors, positives, noise, logNoisePositives, logNoise, noisePerAnchor);
        Checks.positive("temperature", temperature);
        return runner.run(name, "nce", Reduction.MEAN_OVER_VALID_ANCHORS, Arrays.asList(anchors, positives, noise),
                LogitScale.fixed(1.0), null, GraphBodies.nce(ops, logNoisePositives, logNoise, noisePerAnchor, 1 / temperature,
                        normalize));
    }

    /** A pairwise loss over two views {@code [N, d]} each ({@link TwoViews}): one positive per anchor, known to the kernel. */
    private SDVariable twoViews(String name, String defaultName, ContrastiveKernel kernel, SDVariable view1, SDVariable view2,
                                LogitScale scale) {
        GraphChecks.matrix("view1", view1);
        GraphChecks.matrix("view2", view2);
        TwoViews views = TwoViews.of(sd, view1, view2);
        return pairwise(ops.withAtMostOnePositive(), name, defaultName, kernel, null, views.embeddings(), views.ids(), true,
                scale, null);
    }

    /**
     * The pairwise node of {@code kernel} over one labelled batch: what each pairwise method above is, and all that
     * the method of a new loss over one batch has to call.
     */
    SDVariable pairwise(String name, String defaultName, ContrastiveKernel kernel, NegativeSelection selection,
                        SDVariable embeddings, SDVariable labels, boolean normalize, LogitScale scale, SDMemoryQueue queue) {
        return pairwise(ops, name, defaultName, kernel, selection, embeddings, labels, normalize, scale, queue);
    }

    private SDVariable pairwise(SameDiffOps ops, String name, String defaultName, ContrastiveKernel kernel,
                                NegativeSelection selection, SDVariable embeddings, SDVariable labels, boolean normalize,
                                LogitScale scale, SDMemoryQueue queue) {
        GraphChecks.matrix("embeddings", embeddings);
        GraphChecks.idsPerRow(labels, embeddings);
        GraphChecks.queueFits(queue, embeddings);
        return runner.run(name, defaultName, Reduction.MEAN_OVER_VALID_ANCHORS, List.of(embeddings), scale, queue,
                GraphBodies.pairwise(ops, kernel, selection, labels, normalize));
    }

    private SDVariable crossEntropy(ContrastiveKernel kernel, String name, String defaultName, SDVariable queries,
                                    SDVariable keys, SDVariable negatives, SDMemoryQueue queue, SDVariable labels,
                                    LogitScale scale, boolean symmetric, HardNegatives hardNegatives, boolean normalize) {
        GraphChecks.matrix("queries", queries);
        GraphChecks.matrix("keys", keys);
        GraphChecks.sameStaticShape("queries", queries, "keys", keys);
        GraphChecks.idsPerRow(labels, queries);
        GraphChecks.queueFits(queue, keys);
        return runner.run(name, defaultName, Reduction.MEAN_OVER_VALID_ANCHORS, Arrays.asList(queries, keys, negatives), scale,
                queue, GraphBodies.cross(ops, kernel, hardNegatives, labels, symmetric, normalize));
    }

    private SDVariable distanceLoss(String name, String defaultName, DistanceKernel kernel, SDVariable embeddings,
                                    SDVariable labels, boolean normalize) {
        GraphChecks.matrix("embeddings", embeddings);
        if (labels == null) {
            throw new IllegalArgumentException(defaultName + " needs labels: one class id per row of the embeddings");
        }
        GraphChecks.idsPerRow(labels, embeddings);
        return runner.run(name, defaultName, Reduction.SUM, List.of(embeddings), LogitScale.fixed(1.0), null,
                GraphBodies.distance(ops, kernel, labels, normalize));
    }
}
