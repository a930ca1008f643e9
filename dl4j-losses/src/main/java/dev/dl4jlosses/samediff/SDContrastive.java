package dev.dl4jlosses.samediff;

import java.util.Arrays;
import java.util.List;

import dev.dl4jlosses.core.BatchHardTripletKernel;
import dev.dl4jlosses.core.Checks;
import dev.dl4jlosses.core.CircleKernel;
import dev.dl4jlosses.core.ComputePrecision;
import dev.dl4jlosses.core.ContrastiveKernel;
import dev.dl4jlosses.core.CrossEngine;
import dev.dl4jlosses.core.DistanceEngine;
import dev.dl4jlosses.core.DistanceKernel;
import dev.dl4jlosses.core.HardNegatives;
import dev.dl4jlosses.core.LiftedStructureKernel;
import dev.dl4jlosses.core.MarginContrastiveKernel;
import dev.dl4jlosses.core.NegativeSelection;
import dev.dl4jlosses.core.NoiseContrastiveEstimation;
import dev.dl4jlosses.core.NTXentKernel;
import dev.dl4jlosses.core.PairwiseEngine;
import dev.dl4jlosses.core.SimpleLossKernel;
import dev.dl4jlosses.core.SoftmaxCrossEntropyKernel;
import dev.dl4jlosses.core.TripletMarginKernel;
import org.nd4j.autodiff.samediff.NameScope;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

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

    public SDContrastive(SameDiff sd) {
        this.sd = sd;
        this.ops = new SameDiffOps(sd);
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
        return pairwise(ops, name, "ntXent", NTXentKernel.INSTANCE, hardNegatives, embeddings, labels, normalize, scale, queue);
    }

    /**
     * SimCLR's NT-Xent over two views {@code [N, d]} each: row i of both views is image i; all 2N rows are anchors.
     */
    public SDVariable simClr(String name, SDVariable view1, SDVariable view2, double temperature) {
        checkMatrix("view1", view1);
        checkMatrix("view2", view2);
        SDVariable ids = sd.range(sd.constant(0), sd.sizeAt(view1, 0).castTo(DataType.INT), sd.constant(1), DataType.INT);
        SDVariable embeddings = sd.concat(0, view1, view2.castTo(view1.dataType()));
        // each row's only positive is the other view of its image, so the kernel's one-positive form applies
        return pairwise(ops.withAtMostOnePositive(), name, "simClr", NTXentKernel.INSTANCE, null, embeddings,
                sd.concat(0, ids, ids), true, LogitScale.fixed(temperature), null);
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
        return pairwise(ops, name, "supCon", SoftmaxCrossEntropyKernel.INSTANCE, hardNegatives, embeddings, labels, normalize,
                scale, null);
    }

    /**
     * {@code L_simple} (Wang &amp; Liu 2021): {@code -mean_p s_ip + λ·mean_n s_in} per anchor, cosine similarity, λ > 0.
     * See {@code LossSimple}.
     */
    public SDVariable simple(String name, SDVariable embeddings, SDVariable labels, double lambda) {
        Checks.positive("lambda", lambda);
        return pairwise(ops, name, "simple", new SimpleLossKernel(lambda), null, embeddings, labels, true, LogitScale.fixed(1.0), null);
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
        return pairwise(ops, name, "circle", new CircleKernel(margin, gamma, detachWeights), null, embeddings, labels, true,
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

    /** InfoNCE, full form: constant or learnable temperature, hardest negatives only (or null for all). */
    public SDVariable infoNce(String name, SDVariable queries, SDVariable keys, SDVariable negatives, SDVariable labels,
                              LogitScale scale, boolean symmetric, HardNegatives hardNegatives) {
        if (negatives != null) {
            checkMatrix("negatives", negatives);
        }
        return crossEntropy(name, "infoNce", queries, keys, negatives, null, labels, scale, symmetric, hardNegatives, true);
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
        return crossEntropy(name, "infoNce", queries, keys, null, queue, labels, scale, symmetric, null, true);
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
        return crossEntropy(name, "nPairs", anchors, positives, null, null, labels, LogitScale.fixed(1.0), false, null, normalize);
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
        checkMatrix("anchors", anchors);
        checkMatrix("positives", positives);
        checkMatrix("noise", noise);
        checkSameStaticShape("anchors", anchors, "positives", positives);
        checkIds(logNoisePositives, anchors);
        checkIds(logNoise, noise);
        Checks.positive("temperature", temperature);
        if (logNoisePositives == null || logNoise == null) {
            throw new IllegalArgumentException("nce needs the log noise probabilities of the positives ([N]) and of the noise "
                    + "samples ([M]); got " + (logNoisePositives == null ? "none for the positives" : "none for the noise samples"));
        }
        long[] anchorShape = anchors.getShape();
        long[] noiseShape = noise.getShape();
        boolean known = anchorShape != null && noiseShape != null && anchorShape[0] >= 0 && noiseShape[0] >= 0;
        if (noisePerAnchor < 0 || noisePerAnchor > 0 && known && noiseShape[0] != anchorShape[0] * noisePerAnchor) {
            throw new IllegalArgumentException("nce: noisePerAnchor must be 0 (shared noise) or k with noise [N·k, d]; got k = "
                    + noisePerAnchor + ", anchors " + Arrays.toString(anchorShape) + ", noise " + Arrays.toString(noiseShape));
        }
        String scope = uniqueName(name, "nce");
        DataType outType = anchors.dataType();
        DataType type = ComputePrecision.of(outType);
        SDVariable loss;
        try (NameScope ignored = sd.withNameScope(scope)) {
            SDVariable[] inputs = {anchors.castTo(type), positives.castTo(type), noise.castTo(type)};
            SDVariable[] detached = {AnalyticGradient.detach(sd, inputs[0]), AnalyticGradient.detach(sd, inputs[1]),
                    AnalyticGradient.detach(sd, inputs[2])};
            NoiseContrastiveEstimation.Output<SDVariable> out = NoiseContrastiveEstimation.evaluate(ops, detached[0], detached[1],
                    detached[2], idColumn(logNoisePositives, type), sd.reshape(logNoise.castTo(type), 1, -1), noisePerAnchor, null,
                    1 / temperature, normalize, true);
            SDVariable count = validCount(out.valid());
            loss = AnalyticGradient.attach(out.rowLoss().sum().div(count), inputs, detached, new SDVariable[] {
                    out.gradAnchors().div(count), out.gradPositives().div(count), out.gradNoise().div(count)});
        }
        return finish(loss, outType, scope);
    }

    private SDVariable distanceLoss(String name, String defaultName, DistanceKernel kernel, SDVariable embeddings,
                                    SDVariable labels, boolean normalize) {
        checkMatrix("embeddings", embeddings);
        if (labels == null) {
            throw new IllegalArgumentException(defaultName + " needs labels: one class id per row of the embeddings");
        }
        checkIds(labels, embeddings);
        String scope = uniqueName(name, defaultName);
        DataType outType = embeddings.dataType();
        DataType type = ComputePrecision.of(outType);
        SDVariable loss;
        try (NameScope ignored = sd.withNameScope(scope)) {
            SDVariable z = embeddings.castTo(type);
            SDVariable zDetached = AnalyticGradient.detach(sd, z);
            DistanceEngine.Output<SDVariable> out = DistanceEngine.evaluate(ops, kernel, zDetached, idColumn(labels, type), null,
                    normalize, true);
            loss = AnalyticGradient.attach(out.rowLoss().sum(), new SDVariable[] {z}, new SDVariable[] {zDetached},
                    new SDVariable[] {out.gradient()});
        }
        return finish(loss, outType, scope);
    }

    private SDVariable crossEntropy(String name, String defaultName, SDVariable queries, SDVariable keys, SDVariable negatives,
                                    SDMemoryQueue queue, SDVariable labels, LogitScale scale, boolean symmetric,
                                    HardNegatives hardNegatives, boolean normalize) {
        checkMatrix("queries", queries);
        checkMatrix("keys", keys);
        checkSameStaticShape("queries", queries, "keys", keys);
        checkIds(labels, queries);
        checkQueue(queue, keys);
        String scope = uniqueName(name, defaultName);
        DataType outType = queries.dataType();
        DataType type = ComputePrecision.of(outType);
        SDVariable loss;
        try (NameScope ignored = sd.withNameScope(scope)) {
            SDVariable[] inputs = {queries.castTo(type), keys.castTo(type), negatives == null ? null : negatives.castTo(type)};
            SDVariable[] detached = {AnalyticGradient.detach(sd, inputs[0]), AnalyticGradient.detach(sd, inputs[1]),
                    inputs[2] == null ? null : AnalyticGradient.detach(sd, inputs[2])};
            SDVariable ids = idColumn(labels, type);
            LogitScale.Node s = scale.build(sd, type);
            CrossEngine.Prepared<SDVariable> p = queue == null
                    ? CrossEngine.prepare(ops, detached[0], detached[1], detached[2], ids, null, null, null, s.value(), normalize)
                    : CrossEngine.prepare(ops, detached[0], detached[1], queue.keys(), ids, queue.ids(), queue.filled(), null,
                            s.value(), normalize);
            boolean learnable = scale.isLearnable();
            CrossEngine.Block<SDVariable> forward = CrossEngine.queryBlock(ops, SoftmaxCrossEntropyKernel.INSTANCE,
                    hardNegatives, p, 0, PairwiseEngine.ALL_ROWS, true, learnable);
            SDVariable count = validCount(forward.valid());
            SDVariable value = forward.rowLoss().sum().div(count);
            SDVariable gradQueries = forward.gradRows().div(count);
            SDVariable gradCandidates = forward.gradOther().div(count);
            SDVariable gradScale = learnable ? forward.gradScale().div(count) : null;
            SDVariable gradKeys = null;
            if (symmetric) {
                CrossEngine.Block<SDVariable> backward = CrossEngine.keyBlock(ops, SoftmaxCrossEntropyKernel.INSTANCE,
                        hardNegatives, p, 0, PairwiseEngine.ALL_ROWS, true, learnable);
                SDVariable backCount = validCount(backward.valid());
                value = value.add(backward.rowLoss().sum().div(backCount)).mul(0.5);
                gradQueries = gradQueries.add(backward.gradOther().div(backCount)).mul(0.5);
                gradCandidates = gradCandidates.mul(0.5);
                gradKeys = backward.gradRows().div(backCount).mul(0.5);
                gradScale = learnable ? gradScale.add(backward.gradScale().div(backCount)).mul(0.5) : null;
            }
            List<SDVariable> grads = CrossEngine.inputGradients(ops, p, gradQueries, gradCandidates, gradKeys);
            if (queue != null) {
                queue.feedFrom(detached[1], ids);
            }
            // a queue is no input (inputs[2] is null), so its gradient is not attached
            loss = AnalyticGradient.attach(value, append(inputs, s.input()), append(detached, s.detached()),
                    append(grads.toArray(new SDVariable[0]), learnable ? s.gradient(gradScale) : null));
        }
        return finish(loss, outType, scope);
    }

    private SDVariable pairwise(SameDiffOps ops, String name, String defaultName, ContrastiveKernel kernel,
                                NegativeSelection selection, SDVariable embeddings, SDVariable labels, boolean normalize,
                                LogitScale scale, SDMemoryQueue queue) {
        checkMatrix("embeddings", embeddings);
        checkIds(labels, embeddings);
        checkQueue(queue, embeddings);
        String scope = uniqueName(name, defaultName);
        DataType outType = embeddings.dataType();
        DataType type = ComputePrecision.of(outType);
        SDVariable loss;
        try (NameScope ignored = sd.withNameScope(scope)) {
            SDVariable z = embeddings.castTo(type);
            SDVariable zDetached = AnalyticGradient.detach(sd, z);
            SDVariable ids = idColumn(labels, type);
            LogitScale.Node s = scale.build(sd, type);
            PairwiseEngine.Prepared<SDVariable> p = PairwiseEngine.prepare(ops, zDetached, ids, null, s.value(), normalize,
                    queue == null ? null : queue.keys(), queue == null ? null : queue.ids(), queue == null ? null : queue.filled());
            PairwiseEngine.Block<SDVariable> b = PairwiseEngine.block(ops, kernel, selection, p, 0, PairwiseEngine.ALL_ROWS, true,
                    scale.isLearnable());
            SDVariable count = validCount(b.valid());
            SDVariable value = b.rowLoss().sum().div(count);
            SDVariable gradient = PairwiseEngine.embeddingGradient(ops, p, b.gradRows().add(b.gradAll())).div(count);
            if (queue != null) {
                queue.feedFrom(zDetached, ids);
            }
            loss = AnalyticGradient.attach(value, new SDVariable[] {z, s.input()}, new SDVariable[] {zDetached, s.detached()},
                    new SDVariable[] {gradient, scale.isLearnable() ? s.gradient(b.gradScale().div(count)) : null});
        }
        return finish(loss, outType, scope);
    }

    private static SDVariable[] append(SDVariable[] a, SDVariable last) {
        SDVariable[] out = Arrays.copyOf(a, a.length + 1);
        out[a.length] = last;
        return out;
    }

    private static void checkQueue(SDMemoryQueue queue, SDVariable rowsOf) {
        if (queue == null) {
            return;
        }
        if (queue.dataType() != ComputePrecision.of(rowsOf.dataType())) {
            throw new IllegalArgumentException("memory queue \"" + queue.name() + "\" holds " + queue.dataType()
                    + " but the loss computes in " + ComputePrecision.of(rowsOf.dataType()));
        }
        long[] shape = rowsOf.getShape();
        if (shape != null && shape.length == 2 && shape[1] >= 0 && shape[1] != queue.width()) {
            throw new IllegalArgumentException("memory queue \"" + queue.name() + "\" holds keys of width " + queue.width()
                    + ", the loss's rows have shape " + Arrays.toString(shape));
        }
    }

    private SDVariable validCount(SDVariable valid) {
        return sd.scalarMax(valid.sum(), 1);
    }

    private SDVariable idColumn(SDVariable labels, DataType type) {
        return labels == null ? null : sd.reshape(labels.castTo(type), -1, 1);
    }

    private SDVariable finish(SDVariable loss, DataType outType, String name) {
        SDVariable out;
        try (NameScope ignored = sd.withNameScope(name)) {
            out = outType == loss.dataType() ? loss : loss.castTo(outType);
            // M2.1's training session reports a loss (History, listeners) only when the op that outputs it runs, and with
            // the analytic gradient no backward op needs it (it would report 0). minimum(loss, +inf) is the loss, and
            // its backward reads its own output, so the op runs.
            out = sd.math.min(out, sd.constant(Nd4j.scalar(outType, Double.POSITIVE_INFINITY)));
        }
        out = sd.updateVariableNameAndReference(out, name);
        out.markAsLoss();
        return out;
    }

    private String uniqueName(String name, String defaultName) {
        String base = name == null ? defaultName : name;
        String candidate = base;
        for (int i = 1; isTaken(candidate); i++) {
            if (name != null) {
                throw new IllegalArgumentException("the graph already has a variable or name scope called \"" + name + "\"");
            }
            candidate = base + "_" + i;
        }
        return candidate;
    }

    private boolean isTaken(String name) {
        return sd.hasVariable(name) || sd.getVariables().keySet().stream().anyMatch(v -> v.startsWith(name + "/"));
    }

    private static void checkMatrix(String what, SDVariable v) {
        if (v == null) {
            throw new IllegalArgumentException(what + " must not be null");
        }
        long[] shape = v.getShape();
        if (shape != null && shape.length != 2) {
            throw new IllegalArgumentException(what + " must be a 2-D matrix [rows, dim], got shape " + Arrays.toString(shape));
        }
        if (!v.dataType().isFPType()) {
            throw new IllegalArgumentException(what + " must be floating point, got " + v.dataType());
        }
    }

    private static void checkSameStaticShape(String whatA, SDVariable a, String whatB, SDVariable b) {
        long[] sa = a.getShape();
        long[] sb = b.getShape();
        if (sa != null && sb != null && sa.length == sb.length) {
            for (int i = 0; i < sa.length; i++) {
                if (sa[i] >= 0 && sb[i] >= 0 && sa[i] != sb[i]) {
                    throw new IllegalArgumentException(whatA + " and " + whatB + " must have the same shape, got "
                            + Arrays.toString(sa) + " and " + Arrays.toString(sb));
                }
            }
        }
    }

    private static void checkIds(SDVariable labels, SDVariable rowsOf) {
        if (labels == null) {
            return;
        }
        long[] ls = labels.getShape();
        long[] rs = rowsOf.getShape();
        if (ls == null || rs == null || rs.length == 0) {
            return;
        }
        long count = 1;
        for (long s : ls) {
            if (s < 0) {
                return;
            }
            count *= s;
        }
        if (rs[0] >= 0 && count != rs[0]) {
            throw new IllegalArgumentException("labels must hold one id per row: expected " + rs[0] + " values, got shape "
                    + Arrays.toString(ls));
        }
    }
}
