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
 *
 * <p>With a {@link LexicalChannel}, each sentence's vector in the loss is the concatenation of its fixed unit-length
 * lexical vector and its unit-length dense embedding times a learnt gain {@code g}: after InfoNCE's normalisation the
 * logits are {@code ((1 − λ) lexical cosine + λ dense cosine) / τ} with {@code λ = g² / (1 + g²)}, so the dense encoder
 * learns what the lexical channel misses (the residual) and the mix is learnt with it. The lexical vectors are fed
 * restricted to the columns the batch uses, which leaves their dot products unchanged.
 */
final class SentenceTrainer {

    static final String ANCHOR = "anchor";
    static final String POSITIVE = "positive";
    static final String NEGATIVE = "negative";
    static final String LOSS = "loss";
    static final String LOGIT_SCALE = "logit_scale";
    static final String PAIR_IDS = "pair_ids";
    static final String QUEUE = "queue";
    /** The log of the dense half's length in the fused vector: the dense share of the fused cosine is e^2t / (1 + e^2t). */
    static final String DENSE_GAIN = "dense_log_gain";
    /** Sentences per forward pass of {@link #embed}. */
    private static final int EMBED_CHUNK = 256;

    private final SentenceEncoder encoder;
    private final Vocabulary vocabulary;
    private final LexicalChannel lexical;
    private final SameDiff sd;
    private final boolean hardNegatives;
    private final boolean queue;
    private boolean queueStarted;
    private final double keep;
    private final LastLoss lastLoss = new LastLoss(LOSS);

    private SentenceTrainer(SentenceEncoder encoder, Vocabulary vocabulary, LexicalChannel lexical, SameDiff sd, boolean hardNegatives,
                            double dropout) {
        if (lexical != null != sd.hasVariable(DENSE_GAIN)) {
            throw new IllegalArgumentException("the training graph " + (lexical == null ? "has" : "has no") + " a lexical channel, "
                    + "but the run " + (lexical == null ? "has none" : "has one"));
        }
        this.encoder = encoder;
        this.vocabulary = vocabulary;
        this.lexical = lexical;
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

    /** A trainer without a lexical channel: the loss sees the dense embeddings alone. */
    static SentenceTrainer create(SentenceEncoder encoder, Vocabulary vocabulary, boolean hardNegatives, double temperature,
                                  boolean learnableTemperature, int queueSize, double dropout, IUpdater updater) {
        return create(encoder, vocabulary, null, 0, hardNegatives, temperature, learnableTemperature, queueSize, dropout, updater);
    }

    /**
     * @param lexical              the fixed lexical channel fused with the dense embeddings in the loss, or null
     * @param denseWeight          with a lexical channel: the initial dense share λ of the fused cosine (0 < λ < 1)
     * @param temperature          τ, or the initial τ when learnable
     * @param learnableTemperature CLIP's learnable logit scale {@code min(e^t, 100)}, {@code t} starting at {@code ln(1/τ)}
     * @param queueSize            past positives kept as extra negatives (0: none); not with hard negatives or a lexical channel
     */
    static SentenceTrainer create(SentenceEncoder encoder, Vocabulary vocabulary, LexicalChannel lexical, double denseWeight,
                                  boolean hardNegatives, double temperature, boolean learnableTemperature, int queueSize, double dropout,
                                  IUpdater updater) {
        if (queueSize > 0 && (hardNegatives || lexical != null)) {
            throw new IllegalArgumentException("a memory queue cannot be combined with " + (hardNegatives ? "hard negatives (InfoNCE "
                    + "with a queue takes no explicit negatives); drop the hard negatives or the queue"
                    : "the lexical channel (the queue holds dense embeddings only); use --lexical none or no queue"));
        }
        if (lexical != null && !(denseWeight > 0 && denseWeight < 1)) {
            throw new IllegalArgumentException("the initial dense weight must be strictly between 0 and 1; got " + denseWeight);
        }
        SameDiff sd = SameDiff.create();
        SDVariable gain = lexical == null ? null
                : sd.var(DENSE_GAIN, Nd4j.scalar(DataType.FLOAT, 0.5 * Math.log(denseWeight / (1 - denseWeight))).reshape(1, 1));
        SDVariable anchors = branch(sd, encoder, ANCHOR, gain);
        SDVariable positives = branch(sd, encoder, POSITIVE, gain);
        SDVariable negatives = hardNegatives ? branch(sd, encoder, NEGATIVE, gain) : null;
        LogitScale scale = learnableTemperature ? LogitScale.learnable(LogitScale.variable(sd, LOGIT_SCALE, temperature))
                : LogitScale.fixed(temperature);
        List<String> inputs = inputs(encoder, lexical != null, hardNegatives);
        if (queueSize > 0) {
            SDMemoryQueue queue = SDMemoryQueue.create(sd, QUEUE, queueSize, encoder.projectionDim(), DataType.FLOAT);
            SDVariable ids = sd.placeHolder(PAIR_IDS, DataType.FLOAT, -1);
            new SDContrastive(sd).infoNceWithQueue(LOSS, anchors, positives, queue, ids, scale, true);
            inputs.add(PAIR_IDS);
        } else {
            new SDContrastive(sd).infoNce(LOSS, anchors, positives, negatives, null, scale, true);
        }
        sd.setTrainingConfig(TrainingConfig.builder().updater(updater).dataSetFeatureMapping(inputs).markLabelsUnused().build());
        return new SentenceTrainer(encoder, vocabulary, lexical, sd, hardNegatives, dropout);
    }

    /** The vectors the loss sees for one input: the dense embeddings, or with a lexical channel the fused vectors. */
    private static SDVariable branch(SameDiff sd, SentenceEncoder encoder, String input, SDVariable gain) {
        SDVariable dense = encoder.encode(sd, input, input + "_" + SentenceEncoder.EMBEDDING, true, DataType.FLOAT);
        if (gain == null) {
            return dense;
        }
        // keepDims sums: M2.1's backward of a sum without keepDims fails
        SDVariable unit = dense.div(sd.math.sqrt(dense.mul(dense).sum(true, 1).add(1e-12)));
        SDVariable lexicalRows = sd.placeHolder(lexicalInput(input), DataType.FLOAT, -1, -1);
        return sd.concat(1, lexicalRows, unit.mul(sd.math.exp(gain)));
    }

    static String lexicalInput(String input) {
        return input + "_lexical";
    }

    /** Continues from a checkpoint written by {@link #save} (graph, weights and optimizer state). */
    static SentenceTrainer restore(SentenceEncoder encoder, Vocabulary vocabulary, LexicalChannel lexical, Path checkpoint,
                                   boolean hardNegatives, double dropout) {
        return new SentenceTrainer(encoder, vocabulary, lexical, SameDiff.load(checkpoint.toFile(), true), hardNegatives, dropout);
    }

    /** The placeholders fed by each step, in order. */
    private static List<String> inputs(SentenceEncoder encoder, boolean lexical, boolean hardNegatives) {
        List<String> names = new ArrayList<>();
        for (String input : hardNegatives ? List.of(ANCHOR, POSITIVE, NEGATIVE) : List.of(ANCHOR, POSITIVE)) {
            names.addAll(denseInputs(encoder, input));
            names.addAll(lexical ? List.of(lexicalInput(input)) : List.of());
        }
        return names;
    }

    private static List<String> denseInputs(SentenceEncoder encoder, String input) {
        return encoder.architecture() == SentenceEncoder.Architecture.TRANSFORMER
                ? List.of(TokenBatch.wordsInput(input), TokenBatch.tokensInput(input), SentenceEncoder.embeddingDropout(input),
                SentenceEncoder.ffnDropout(input))
                : List.of(TokenBatch.wordsInput(input), TokenBatch.tokensInput(input), SentenceEncoder.embeddingDropout(input));
    }

    /**
     * One optimizer step on a batch; returns its loss. Dropout masks come from ND4J's generator (seed it per epoch).
     *
     * @param ids each pair's index in the training data (used by the memory queue only)
     */
    double fit(List<ParaphraseCorpus.Pair> batch, int[] ids) {
        List<List<String>> groups = new ArrayList<>(List.of(batch.stream().map(ParaphraseCorpus.Pair::anchor).toList(),
                batch.stream().map(ParaphraseCorpus.Pair::positive).toList()));
        if (hardNegatives) {
            groups.add(batch.stream().map(ParaphraseCorpus.Pair::negative).toList());
        }
        List<INDArray> lexicalRows = lexical == null ? null : lexical.restricted(groups);
        List<INDArray> features = new ArrayList<>();
        for (int g = 0; g < groups.size(); g++) {
            features.addAll(input(groups.get(g), true));
            if (lexicalRows != null) {
                features.add(lexicalRows.get(g));
            }
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
        INDArray embeddingMask = mask(dropout, n, encoder.maxTokens(), encoder.dim());
        return encoder.architecture() == SentenceEncoder.Architecture.TRANSFORMER
                ? List.of(tokens.words(), tokens.tokens(), embeddingMask, mask(dropout, n, encoder.maxTokens(), encoder.ffn()))
                : List.of(tokens.words(), tokens.tokens(), embeddingMask);
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
        List<INDArray> chunks = new ArrayList<>();
        // in chunks: a batch's word matrix is [distinct words, embedding rows], large for thousands of sentences
        for (int from = 0; from < sentences.size(); from += EMBED_CHUNK) {
            List<INDArray> values = input(sentences.subList(from, Math.min(sentences.size(), from + EMBED_CHUNK)), false);
            List<String> names = denseInputs(encoder, ANCHOR);
            Map<String, INDArray> feed = new HashMap<>();
            for (int i = 0; i < names.size(); i++) {
                feed.put(names.get(i), values.get(i));
            }
            String output = ANCHOR + "_" + SentenceEncoder.EMBEDDING;
            chunks.add(sd.output(feed, output).get(output));
        }
        return chunks.size() == 1 ? chunks.get(0) : Nd4j.concat(0, chunks.toArray(INDArray[]::new));
    }

    /** The current temperature 1/min(e^t, 100) when learnable, else NaN. */
    double learnedTemperature() {
        return sd.hasVariable(LOGIT_SCALE)
                ? 1 / Math.min(Math.exp(sd.getVariable(LOGIT_SCALE).getArr().getDouble(0)), LogitScale.DEFAULT_MAX_SCALE) : Double.NaN;
    }

    /** With a lexical channel, the learnt dense share λ of the fused cosine; else 1. */
    double denseWeight() {
        if (!sd.hasVariable(DENSE_GAIN)) {
            return 1;
        }
        double gain = Math.exp(2 * sd.getVariable(DENSE_GAIN).getArr().getDouble(0));
        return gain / (1 + gain);
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
