package dev.dl4jlosses.examples.sentence;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.dl4jlosses.examples.common.LastLoss;
import dev.dl4jlosses.options.LogitScale;
import dev.dl4jlosses.samediff.SDContrastive;
import dev.dl4jlosses.samediff.SDMemoryQueue;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.IUpdater;

/**
 * The training graph: the encoder applied to anchors, positives and (optionally) hard negatives with shared
 * weights and dropout, and {@link SDContrastive#infoNce} (symmetric, in-batch negatives plus the hard negatives in
 * the anchors-to-positives direction) as its loss. Unsupervised (SimCSE) training passes the same sentences as
 * anchors and positives; their dropout masks differ. With a memory queue (instead of hard negatives), once
 * {@link #startQueue started}, the positives of past steps are extra negatives of every anchor except those of the same pair (ids: each pair's index in the
 * training data); they come from the same encoder a few steps earlier, as in cross-batch memory (Wang et al. 2020),
 * not from a momentum encoder as in MoCo.
 */
final class SentenceTrainer {

    static final String ANCHOR = "anchor";
    static final String POSITIVE = "positive";
    static final String NEGATIVE = "negative";
    static final String LOSS = "loss";
    static final String LOGIT_SCALE = "logit_scale";
    static final String PAIR_IDS = "pair_ids";
    static final String QUEUE = "queue";

    private final SentenceEncoder encoder;
    private final Vocabulary vocabulary;
    private final SameDiff sd;
    private final boolean hardNegatives;
    private final boolean queue;
    private boolean queueStarted;
    private final double keep;
    private final LastLoss lastLoss = new LastLoss(LOSS);

    private SentenceTrainer(SentenceEncoder encoder, Vocabulary vocabulary, SameDiff sd, boolean hardNegatives, double dropout) {
        this.encoder = encoder;
        this.vocabulary = vocabulary;
        this.sd = sd;
        this.hardNegatives = hardNegatives;
        this.queue = sd.hasVariable(QUEUE + "/keys");
        this.keep = 1 - dropout;
        sd.addListeners(lastLoss);
    }

    /**
     * From now on, each step enqueues its positives (until then the queue stays empty and the loss is plain InfoNCE).
     * A queue filled from the start, while the encoder still changes fast, holds keys too stale to be useful
     * negatives and training fails (MoCo's observation without a momentum encoder); cross-batch memory likewise
     * starts after a warm-up. Listeners are not saved with a graph, so a restored trainer is started again.
     */
    void startQueue() {
        if (queue && !queueStarted) {
            sd.addListeners(SDMemoryQueue.get(sd, QUEUE).enqueueAfterEachStep());
            queueStarted = true;
        }
    }

    /**
     * @param temperature          τ, or the initial τ when learnable
     * @param learnableTemperature CLIP's learnable logit scale {@code min(e^t, 100)}, {@code t} starting at {@code ln(1/τ)}
     * @param queueSize            past positives kept as extra negatives (0: none); not with hard negatives
     */
    static SentenceTrainer create(SentenceEncoder encoder, Vocabulary vocabulary, boolean hardNegatives, double temperature,
                                  boolean learnableTemperature, int queueSize, double dropout, IUpdater updater) {
        if (queueSize > 0 && hardNegatives) {
            throw new IllegalArgumentException("a memory queue cannot be combined with hard negatives (InfoNCE with a queue takes no "
                    + "explicit negatives); drop the hard negatives or the queue");
        }
        SameDiff sd = SameDiff.create();
        SDVariable anchors = encoder.encode(sd, ANCHOR, ANCHOR + "_" + SentenceEncoder.EMBEDDING, true, DataType.FLOAT);
        SDVariable positives = encoder.encode(sd, POSITIVE, POSITIVE + "_" + SentenceEncoder.EMBEDDING, true, DataType.FLOAT);
        SDVariable negatives = hardNegatives
                ? encoder.encode(sd, NEGATIVE, NEGATIVE + "_" + SentenceEncoder.EMBEDDING, true, DataType.FLOAT) : null;
        LogitScale scale = learnableTemperature ? LogitScale.learnable(LogitScale.variable(sd, LOGIT_SCALE, temperature))
                : LogitScale.fixed(temperature);
        List<String> inputs = inputs(hardNegatives);
        if (queueSize > 0) {
            SDMemoryQueue queue = SDMemoryQueue.create(sd, QUEUE, queueSize, encoder.projectionDim(), DataType.FLOAT);
            SDVariable ids = sd.placeHolder(PAIR_IDS, DataType.FLOAT, -1);
            new SDContrastive(sd).infoNceWithQueue(LOSS, anchors, positives, queue, ids, scale, true);
            inputs.add(PAIR_IDS);
        } else {
            new SDContrastive(sd).infoNce(LOSS, anchors, positives, negatives, null, scale, true);
        }
        sd.setTrainingConfig(TrainingConfig.builder().updater(updater).dataSetFeatureMapping(inputs).markLabelsUnused().build());
        return new SentenceTrainer(encoder, vocabulary, sd, hardNegatives, dropout);
    }

    /** Continues from a checkpoint written by {@link #save} (graph, weights and optimizer state). */
    static SentenceTrainer restore(SentenceEncoder encoder, Vocabulary vocabulary, Path checkpoint, boolean hardNegatives, double dropout) {
        return new SentenceTrainer(encoder, vocabulary, SameDiff.load(checkpoint.toFile(), true), hardNegatives, dropout);
    }

    /** The placeholders fed by each step, in order. */
    private static List<String> inputs(boolean hardNegatives) {
        List<String> names = new ArrayList<>();
        for (String input : hardNegatives ? List.of(ANCHOR, POSITIVE, NEGATIVE) : List.of(ANCHOR, POSITIVE)) {
            names.addAll(List.of(TokenBatch.wordsInput(input), TokenBatch.tokensInput(input),
                    SentenceEncoder.embeddingDropout(input), SentenceEncoder.ffnDropout(input)));
        }
        return names;
    }

    /**
     * One optimizer step on a batch; returns its loss. Dropout masks come from ND4J's generator (seed it per epoch).
     *
     * @param ids each pair's index in the training data (used by the memory queue only)
     */
    double fit(List<ParaphraseCorpus.Pair> batch, int[] ids) {
        List<INDArray> features = new ArrayList<>();
        features.addAll(input(batch.stream().map(ParaphraseCorpus.Pair::anchor).toList(), true));
        features.addAll(input(batch.stream().map(ParaphraseCorpus.Pair::positive).toList(), true));
        if (hardNegatives) {
            features.addAll(input(batch.stream().map(ParaphraseCorpus.Pair::negative).toList(), true));
        }
        if (queue) {
            features.add(Nd4j.createFromArray(ids).castTo(DataType.FLOAT));
        }
        sd.fit(new org.nd4j.linalg.dataset.MultiDataSet(features.toArray(INDArray[]::new), new INDArray[0]));
        return lastLoss.value();
    }

    private List<INDArray> input(List<String> sentences, boolean dropout) {
        TokenBatch tokens = vocabulary.encode(sentences);
        long n = sentences.size();
        return List.of(tokens.words(), tokens.tokens(), mask(dropout, n, encoder.maxTokens(), encoder.dim()),
                mask(dropout, n, encoder.maxTokens(), encoder.ffn()));
    }

    /** Inverted dropout: entries 1/keep with probability keep, else 0; all ones without dropout. */
    private INDArray mask(boolean dropout, long... shape) {
        if (!dropout || keep >= 1) {
            return Nd4j.ones(DataType.FLOAT, shape);
        }
        return Nd4j.rand(DataType.FLOAT, shape).lt(keep).castTo(DataType.FLOAT).muli(1 / keep);
    }

    /** Embeddings from the training graph's anchor branch with dropout off (what the exported graph must reproduce). */
    INDArray embed(List<String> sentences) {
        List<INDArray> values = input(sentences, false);
        List<String> names = inputs(false).subList(0, 4);
        Map<String, INDArray> feed = new HashMap<>();
        for (int i = 0; i < names.size(); i++) {
            feed.put(names.get(i), values.get(i));
        }
        String output = ANCHOR + "_" + SentenceEncoder.EMBEDDING;
        return sd.output(feed, output).get(output);
    }

    /** The current temperature 1/min(e^t, 100) when learnable, else NaN. */
    double learnedTemperature() {
        return sd.hasVariable(LOGIT_SCALE)
                ? 1 / Math.min(Math.exp(sd.getVariable(LOGIT_SCALE).getArr().getDouble(0)), LogitScale.DEFAULT_MAX_SCALE) : Double.NaN;
    }

    /** The inference graph (no dropout, no loss, no optimizer state) holding the trained weights. */
    SameDiff inferenceGraph() {
        SameDiff inference = encoder.inferenceGraph(DataType.FLOAT);
        SentenceEncoder.copyWeights(sd, inference);
        return inference;
    }

    void save(Path checkpoint) {
        sd.save(checkpoint.toFile(), true);
    }
}
