package dev.dl4jlosses.examples.sentence;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;

import dev.dl4jlosses.examples.common.Progress;
import dev.dl4jlosses.examples.common.RunFailure;
import dev.dl4jlosses.examples.common.WarmupCosineSchedule;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sentence-encoder}: trains a Transformer sentence encoder with InfoNCE, evaluates it against TF-IDF and BM25, exports it. */
@Command(name = "sentence-encoder", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Trains a sentence encoder with SDContrastive.infoNce (symmetric, in-batch negatives, plus explicit hard "
                + "negatives when the pairs have them): a dense encoder (SameDiff graph: word + character n-gram embeddings, "
                + "their mean or one Transformer encoder block, projection) fused with a fixed lexical channel (TF-IDF or BM25 "
                + "weighted words and character n-grams): the embedding's cosine is (1 - w) lexical + w dense cosine, the loss "
                + "sees it (the dense part learns what word overlap misses), w is learnt and then chosen on validation pairs held "
                + "out of the training data. Evaluates paraphrase retrieval (recall@1, "
                + "recall@10, MRR) and STS Spearman correlation next to two bag-of-words baselines, TF-IDF and BM25; exports the encoder.",
                "Without --pairs or --sentences it trains on an embedded paraphrase corpus generated in-process (with "
                        + "held-out pairs and STS pairs of sentences not seen in training)."},
        footer = {"", "Outputs in --out: encoder.fb (SameDiff FlatBuffers, inference graph only), vocabulary.json and lexical.json "
                + "(use them with the embed and similar commands), metrics.json, checkpoint/ (latest epoch; --resume continues from it)."})
public final class SentenceEncoderCommand implements Callable<Integer> {

    @Option(names = "--pairs", paramLabel = "FILE", description = "Supervised training data: TSV anchor<TAB>positive[<TAB>hard negative].")
    Path pairsFile;

    @Option(names = "--sentences", paramLabel = "FILE", description = "Unsupervised (SimCSE) training data: one sentence per line; "
            + "each sentence is its own positive under a different dropout mask.")
    Path sentencesFile;

    @Option(names = "--unsupervised", description = "On the embedded corpus: train SimCSE-style on the anchor sentences only (no pairs).")
    boolean unsupervised;

    @Option(names = "--eval-pairs", paramLabel = "FILE", description = "Held-out TSV anchor<TAB>positive[<TAB>distractor] for retrieval: "
            + "each anchor's answer is its positive, among all positives and distractors (default: the embedded held-out pairs, "
            + "with a near-miss distractor each, when training on the embedded corpus, else none).")
    Path evalPairsFile;

    @Option(names = "--sts", paramLabel = "FILE", description = "STS TSV sentence1<TAB>sentence2<TAB>score "
            + "(default: the embedded STS pairs when training on the embedded corpus, else none).")
    Path stsFile;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "runs/sentence-encoder", description = "Output directory (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--train-size", paramLabel = "N", defaultValue = "12000", description = "Embedded training pairs (default: ${DEFAULT-VALUE}).")
    int trainSize;

    @Option(names = "--eval-size", paramLabel = "N", defaultValue = "1000", description = "Embedded held-out pairs and STS pairs, each (default: ${DEFAULT-VALUE}).")
    int evalSize;

    @Option(names = "--epochs", paramLabel = "N", description = "Training epochs (default: 3 on the embedded corpus; on files the "
            + "run is --steps long).")
    Integer epochsOption;

    @Option(names = "--steps", paramLabel = "N", description = "Training steps, instead of --epochs (default on --pairs and "
            + "--sentences files: " + FILE_STEPS_BAG + " with --encoder bag, " + FILE_STEPS_TRANSFORMER + " with transformer: "
            + "about 6 minutes of training on WordNet's 12 000 pairs on 2 cores).")
    Integer stepsOption;

    @Option(names = "--encoder", paramLabel = "KIND", defaultValue = "transformer", description = "Dense encoder: bag (mean of word and "
            + "subword embeddings, projection) or transformer (one Transformer encoder block); default: ${DEFAULT-VALUE}.")
    String encoderKind;

    @Option(names = "--lexical", paramLabel = "WEIGHTING", defaultValue = "tfidf", description = "Lexical channel fused with the "
            + "dense embedding: tfidf, bm25 (term weighting of its words and character n-grams) or none (dense embedding alone); "
            + "default: ${DEFAULT-VALUE}.")
    String lexicalKind;

    @Option(names = "--lexical-buckets", paramLabel = "N", defaultValue = "16384", description = "Hashed columns of the lexical "
            + "channel's words, and as many for its character n-grams (default: ${DEFAULT-VALUE}).")
    int lexicalBuckets;

    @Option(names = "--grams", paramLabel = "MIN-MAX", defaultValue = "3-5", description = "Character n-gram lengths of the lexical "
            + "channel (default: ${DEFAULT-VALUE}).")
    String grams;

    @Option(names = "--gram-share", paramLabel = "S", defaultValue = "auto", description = "Share of the lexical cosine from "
            + "character n-grams, the rest from whole words; auto: the best of 0, 0.25, 0.5, 0.75, 1 on the validation pairs "
            + "(0.5 without them). Default: ${DEFAULT-VALUE}.")
    String gramShare;

    @Option(names = "--dense-weight", paramLabel = "W", defaultValue = "0.5", description = "Initial dense share of the fused "
            + "cosine; learnt in training, then chosen on the validation pairs (default: ${DEFAULT-VALUE}).")
    double denseWeight;

    @Option(names = "--validation", paramLabel = "N", defaultValue = "500", description = "Training pairs held out to choose the "
            + "dense weight (at most a tenth of them; 0: keep the learnt weight). Default: ${DEFAULT-VALUE}.")
    int validationSize;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "64", description = "Pairs per step; the last partial batch of an epoch is dropped (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--temperature", paramLabel = "TAU", defaultValue = "0.05", description = "InfoNCE temperature, or its initial value with --learnable-temperature (default: ${DEFAULT-VALUE}, SimCSE's).")
    double temperature;

    @Option(names = "--learnable-temperature", description = "Learn the temperature (CLIP's logit scale, at most 100).")
    boolean learnableTemperature;

    @Option(names = "--queue", paramLabel = "N", defaultValue = "0", description = "Memory queue: the positives of past steps (up to N) "
            + "are extra negatives (cross-batch memory; needs --no-hard-negatives on data with hard negatives). Default: ${DEFAULT-VALUE}, none.")
    int queueSize;

    @Option(names = "--queue-start-epoch", paramLabel = "N", defaultValue = "1", description = "Epochs trained before the queue starts "
            + "filling; a queue filled from the first step holds keys too stale to help (default: ${DEFAULT-VALUE}).")
    int queueStartEpoch;

    @Option(names = "--no-hard-negatives", description = "Ignore the hard negatives of the training pairs (in-batch negatives only).")
    boolean noHardNegatives;

    @Option(names = "--lr", paramLabel = "RATE", defaultValue = "2e-3", description = "Peak learning rate of Adam (default: ${DEFAULT-VALUE}).")
    double learningRate;

    @Option(names = "--warmup-epochs", paramLabel = "EPOCHS", defaultValue = "0.3", description = "Linear warm-up, then cosine decay to 1%% (default: ${DEFAULT-VALUE}).")
    double warmupEpochs;

    @Option(names = "--dropout", paramLabel = "P", defaultValue = "0.1", description = "Dropout on token embeddings and the feed-forward layer (default: ${DEFAULT-VALUE}).")
    double dropout;

    @Option(names = "--dim", paramLabel = "N", defaultValue = "64", description = "Model width (default: ${DEFAULT-VALUE}).")
    int dim;

    @Option(names = "--heads", paramLabel = "N", defaultValue = "4", description = "Attention heads (default: ${DEFAULT-VALUE}).")
    int heads;

    @Option(names = "--ffn", paramLabel = "N", defaultValue = "128", description = "Feed-forward hidden width (default: ${DEFAULT-VALUE}).")
    int ffn;

    @Option(names = "--projection-dim", paramLabel = "N", defaultValue = "64", description = "Embedding size (default: ${DEFAULT-VALUE}).")
    int projectionDim;

    @Option(names = "--max-tokens", paramLabel = "N", defaultValue = "24", description = "Words kept per sentence (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(names = "--buckets", paramLabel = "N", defaultValue = "2048", description = "Hashed character 3-gram buckets (default: ${DEFAULT-VALUE}).")
    int buckets;

    @Option(names = "--min-count", paramLabel = "N", defaultValue = "2", description = "Occurrences a word needs to enter the vocabulary (default: ${DEFAULT-VALUE}).")
    int minCount;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "42", description = "Seed of data, initialisation, shuffling and dropout (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--validate-every", paramLabel = "N", defaultValue = "100", description = "With validation pairs: every N steps "
            + "(and before the first) score the fused encoder on them; the best-scoring weights are the ones exported (early "
            + "stopping). 0: export the last weights. Default: ${DEFAULT-VALUE}.")
    int validateEvery;

    @Option(names = "--resume", description = "Continue from the checkpoint in --out (same settings required).")
    boolean resume;

    @Option(names = "--stop-after-epochs", hidden = true, description = "Stop (as if interrupted) after this many epochs; for tests.")
    Integer stopAfterEpochs;

    /** The default length of a run on files: about 6 minutes of training on WordNet pairs on a 2-core machine. */
    static final int FILE_STEPS_BAG = 1200;
    static final int FILE_STEPS_TRANSFORMER = 1000;
    private static final int NGRAM = 3;
    private static final int SLOTS = 6;
    /** Held-out sentences compared between the exported and the in-training graph. */
    private static final int EXPORT_CHECK = 256;

    @Override
    public Integer call() throws Exception {
        if (epochsOption != null && epochsOption < 1 || stepsOption != null && stepsOption < 0 || batch < 2 || dropout < 0 || dropout >= 1 || temperature <= 0 || trainSize < 2 || evalSize < 10) {
            throw new IllegalArgumentException("need --epochs >= 1, --steps >= 0, --batch >= 2, 0 <= --dropout < 1, --temperature > 0, "
                    + "--train-size >= 2, --eval-size >= 10");
        }
        if (pairsFile != null && sentencesFile != null) {
            throw new IllegalArgumentException("give --pairs or --sentences, not both");
        }
        if (epochsOption != null && stepsOption != null) {
            throw new IllegalArgumentException("give --epochs or --steps, not both");
        }
        SentenceEncoder.Architecture architecture = choice("--encoder", encoderKind, SentenceEncoder.Architecture.class);
        LexicalChannel.Weighting weighting = "none".equals(lexicalKind) ? null : choice("--lexical", lexicalKind, LexicalChannel.Weighting.class);
        int[] gramRange = LexicalChannel.gramRange(grams);
        SentenceData data = loadData();
        if (data.train().size() < batch) {
            throw new IllegalArgumentException("only " + data.train().size() + " training rows, fewer than --batch " + batch);
        }
        boolean hardNegatives = !noHardNegatives && data.train().get(0).negative() != null;
        if (queueSize < 0 || queueStartEpoch < 0 || queueSize > 0 && hardNegatives) {
            throw new IllegalArgumentException(queueSize < 0 || queueStartEpoch < 0
                    ? "--queue and --queue-start-epoch must be >= 0; got " + queueSize + " and " + queueStartEpoch
                    : "--queue cannot be combined with hard negatives (InfoNCE with a queue takes no explicit negatives); add --no-hard-negatives");
        }
        List<String> trainingText = new ArrayList<>();
        data.train().forEach(p -> {
            trainingText.add(p.anchor());
            if (!data.unsupervised()) {   // there the positive is the anchor again
                trainingText.add(p.positive());
            }
            if (hardNegatives) {
                trainingText.add(p.negative());
            }
        });
        Vocabulary vocabulary = Vocabulary.build(trainingText, minCount, buckets, NGRAM, SLOTS, maxTokens);
        SentenceEncoder encoder = SentenceEncoder.forVocabulary(architecture, vocabulary, dim, heads, ffn, projectionDim);
        LexicalChannel lexical = weighting == null ? null : LexicalChannel.fitChoosingShare(trainingText, weighting, lexicalBuckets, gramRange, gramShare,
                data.validation());
        System.out.printf(Locale.ROOT, "data: %s, %d training %s%s; vocabulary %d words + %d n-gram buckets%n", data.source(),
                data.train().size(), data.unsupervised() ? "sentences (unsupervised, SimCSE)" : "pairs",
                hardNegatives ? " with hard negatives" : "", vocabulary.size(), buckets);

        int stepsPerEpoch = data.train().size() / batch;
        int totalSteps = stepsOption != null ? stepsOption : epochsOption != null ? epochsOption * stepsPerEpoch
                : data.embedded() ? 3 * stepsPerEpoch : architecture == SentenceEncoder.Architecture.BAG ? FILE_STEPS_BAG
                : FILE_STEPS_TRANSFORMER;
        int epochs = (totalSteps + stepsPerEpoch - 1) / stepsPerEpoch;
        String settings = String.join(" ", data.source(), "rows=" + data.train().size(), "unsupervised=" + data.unsupervised(),
                "hard=" + hardNegatives, "validation=" + data.validation().size(),
                "encoder=" + architecture, "lexical=" + lexical, "denseWeight=" + denseWeight, "steps=" + totalSteps, "batch=" + batch, "tau=" + temperature, "learnable=" + learnableTemperature,
                "queue=" + queueSize, "queueStart=" + queueStartEpoch, "lr=" + learningRate, "warmup=" + warmupEpochs, "dropout=" + dropout, "dim=" + dim, "heads=" + heads, "ffn=" + ffn, "proj=" + projectionDim,
                "tokens=" + maxTokens, "buckets=" + buckets, "minCount=" + minCount, "seed=" + seed);

        Path checkpointDir = out.resolve("checkpoint");
        Files.createDirectories(checkpointDir);
        Path checkpointModel = checkpointDir.resolve("model.fb");
        Path checkpointState = checkpointDir.resolve("state.json");
        SentenceTrainer trainer;
        TrainingState state;
        if (resume) {
            if (!Files.isRegularFile(checkpointState) || !Files.isRegularFile(checkpointModel)) {
                throw new IllegalArgumentException("--resume: no checkpoint in " + checkpointDir + " (expected model.fb and state.json)");
            }
            state = TrainingState.read(checkpointState);
            if (!state.settings().equals(settings)) {
                throw new IllegalArgumentException("--resume: the checkpoint in " + out + " was made with different settings:\n  checkpoint: "
                        + state.settings() + "\n  now:        " + settings);
            }
            trainer = SentenceTrainer.restore(encoder, vocabulary, lexical, checkpointModel, hardNegatives, dropout);
            System.out.printf(Locale.ROOT, "resuming after epoch %d of %d%n", state.epochsDone(), epochs);
        } else {
            Nd4j.getRandom().setSeed(seed);
            var schedule = new WarmupCosineSchedule(learningRate, (int) Math.round(warmupEpochs * stepsPerEpoch), Math.max(1, totalSteps), 0.01);
            trainer = SentenceTrainer.create(encoder, vocabulary, lexical, denseWeight, hardNegatives, temperature, learnableTemperature, queueSize, dropout,
                    Adam.builder().learningRateSchedule(schedule).build());
            state = new TrainingState(settings, 0, List.of(), 0, -1, -1);
        }

        int lastEpoch = stopAfterEpochs == null ? epochs : Math.min(epochs, stopAfterEpochs);
        System.out.printf(Locale.ROOT, "training: %d steps (%d per epoch), %s encoder%s, %d pairs per step, InfoNCE tau %s%s%n",
                totalSteps, stepsPerEpoch, architecture.name().toLowerCase(Locale.ROOT),
                lexical == null ? "" : " fused with a lexical channel (" + lexical + ")", batch,
                learnableTemperature ? temperature + " (learnable)" : temperature, queueSize > 0 ? ", memory queue " + queueSize + " from epoch " + (queueStartEpoch + 1) : "");
        List<Double> losses = new ArrayList<>(state.losses());
        int sentencesPerRow = hardNegatives ? 3 : 2;   // sentences encoded per row (SimCSE: the same one twice)
        Progress progress = new Progress(System.out, "sentences", (long) state.epochsDone() * stepsPerEpoch, totalSteps);
        long sentences = 0;
        long start = System.nanoTime();
        double trainSeconds = state.trainSeconds();
        DenseWeightChoice.Validator validator = lexical == null || data.validation().isEmpty() ? null
                : new DenseWeightChoice.Validator(lexical, data.validation());
        EarlyStopping stopping = validator == null || validateEvery == 0 ? null
                : new EarlyStopping(validator, validateEvery, checkpointDir.resolve("best.fb"), state.bestStep(), state.bestValidation());
        if (stopping != null) {
            stopping.start(trainer);
        }
        for (int epoch = state.epochsDone(); epoch < lastEpoch; epoch++) {
            // per-epoch seeds: a run resumed at an epoch boundary sees the same order and dropout masks
            List<Integer> order = new ArrayList<>(java.util.stream.IntStream.range(0, data.train().size()).boxed().toList());
            Collections.shuffle(order, new Random(seed + epoch));
            Nd4j.getRandom().setSeed(seed + 1000L * (epoch + 1));
            if (epoch >= queueStartEpoch) {
                trainer.startQueue();
            }
            for (int step = 0; step < Math.min(stepsPerEpoch, totalSteps - epoch * stepsPerEpoch); step++) {
                int[] ids = order.subList(step * batch, (step + 1) * batch).stream().mapToInt(Integer::intValue).toArray();
                double loss = trainer.fit(java.util.Arrays.stream(ids).mapToObj(data.train()::get).toList(), ids);
                if (!Double.isFinite(loss)) {
                    throw new RunFailure("loss became " + loss + " at epoch " + (epoch + 1) + " step " + (step + 1)
                            + "; try a lower --lr or a higher --temperature");
                }
                losses.add(loss);
                sentences += (long) batch * sentencesPerRow;
                progress.update(epoch, epochs, (long) epoch * stepsPerEpoch + step, loss, sentences);
                if (stopping != null) {
                    stopping.afterStep(trainer, epoch * stepsPerEpoch + step + 1, totalSteps);
                }
            }
            trainer.save(checkpointModel.resolveSibling("model.fb.partial"));
            Files.move(checkpointModel.resolveSibling("model.fb.partial"), checkpointModel, StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
            state = new TrainingState(settings, epoch + 1, List.copyOf(losses), trainSeconds + (System.nanoTime() - start) / 1e9,
                    stopping == null ? -1 : stopping.bestStep(), stopping == null ? -1 : stopping.bestValidation());
            state.write(checkpointState);
        }
        if (lastEpoch < epochs) {
            System.out.printf(Locale.ROOT, "stopped after epoch %d; continue with --resume%n", lastEpoch);
            return 0;
        }

        if (stopping != null) {
            System.out.printf(Locale.ROOT, "early stopping: the weights after step %d of %d scored best on the validation pairs (MRR %.3f at "
                    + "the best dense weight)%n", stopping.bestStep(), totalSteps, stopping.bestValidation());
            trainer = SentenceTrainer.restore(encoder, vocabulary, lexical, stopping.bestModel(), hardNegatives, dropout);
        }
        ExportedEncoder exported = new ExportedEncoder(trainer.inferenceGraph(), vocabulary, lexical,
                lexical == null ? 1 : trainer.denseWeight());
        DenseWeightChoice weightChoice = null;
        if (lexical != null && !data.validation().isEmpty()) {
            weightChoice = (validator != null ? validator : new DenseWeightChoice.Validator(lexical, data.validation())).choose(exported);
            exported = exported.withDenseWeight(weightChoice.denseWeight());
        }
        exported.save(out);
        List<String> sample = (data.heldOut() != null ? data.heldOut() : data.train()).stream().map(ParaphraseCorpus.Pair::anchor)
                .limit(EXPORT_CHECK).toList();
        double exportDifference = ExportedEncoder.verify(out, trainer, exported, sample);

        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("settings", settings);
        metrics.put("steps", losses.size());
        metrics.put("firstLoss", losses.isEmpty() ? Double.NaN : losses.get(0));
        metrics.put("finalLoss", losses.subList(Math.max(0, losses.size() - stepsPerEpoch), losses.size()).stream()
                .mapToDouble(Double::doubleValue).average().orElse(Double.NaN));
        metrics.put("trainSeconds", state.trainSeconds());
        metrics.put("bestStep", stopping == null ? totalSteps : stopping.bestStep());
        metrics.put("sentencesPerSecond", (double) losses.size() * batch * sentencesPerRow / state.trainSeconds());
        if (learnableTemperature) {
            metrics.put("learnedTemperature", trainer.learnedTemperature());
        }
        metrics.put("exportMaxAbsDifference", exportDifference);
        if (lexical != null) {
            metrics.put("learntDenseWeight", trainer.denseWeight());
            metrics.put("denseWeight", exported.denseWeight());
            metrics.put("denseWeightChoice", weightChoice);
        }
        List<String> evaluationText = data.evaluationText();
        SentenceEvaluation.evaluate(exported, new BagOfWords(trainingText, evaluationText), new Bm25(trainingText, evaluationText),
                data.heldOut(), data.sts(), metrics);
        TrainingState.JSON.writeValue(out.resolve("metrics.json").toFile(), metrics);
        System.out.println("wrote " + out.resolve(ExportedEncoder.GRAPH) + ", " + out.resolve(ExportedEncoder.VOCABULARY) + " and "
                + out.resolve("metrics.json"));
        return 0;
    }

    private SentenceData loadData() {
        List<ParaphraseCorpus.Pair> heldOut = evalPairsFile == null ? null : SentenceFiles.pairs(evalPairsFile);
        List<ParaphraseCorpus.ScoredPair> sts = stsFile == null ? null : SentenceFiles.scoredPairs(stsFile);
        if (pairsFile != null) {
            return split("pairs " + pairsFile, false, SentenceFiles.pairs(pairsFile), false, heldOut, sts);
        }
        if (sentencesFile != null) {
            List<ParaphraseCorpus.Pair> rows = SentenceFiles.sentences(sentencesFile).stream().map(s -> new ParaphraseCorpus.Pair(s, s, null)).toList();
            return split("sentences " + sentencesFile, false, rows, true, heldOut, sts);
        }
        ParaphraseCorpus.Splits corpus = ParaphraseCorpus.generate(trainSize, evalSize, evalSize, seed);
        List<ParaphraseCorpus.Pair> train = unsupervised
                ? corpus.train().stream().map(p -> new ParaphraseCorpus.Pair(p.anchor(), p.anchor(), null)).toList() : corpus.train();
        return split("embedded paraphrase corpus", true, train, unsupervised, heldOut != null ? heldOut : corpus.heldOut(),
                sts != null ? sts : corpus.sts());
    }

    private SentenceData split(String source, boolean embedded, List<ParaphraseCorpus.Pair> rows, boolean unsupervisedRows,
                       List<ParaphraseCorpus.Pair> heldOut, List<ParaphraseCorpus.ScoredPair> sts) {
        if (validationSize < 0) {
            throw new IllegalArgumentException("--validation must be >= 0; got " + validationSize);
        }
        return SentenceData.split(source, embedded, rows, unsupervisedRows, "none".equals(lexicalKind) ? 0 : validationSize, seed,
                heldOut, sts);
    }

    private static <E extends Enum<E>> E choice(String option, String value, Class<E> type) {
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equalsIgnoreCase(value)) {
                return constant;
            }
        }
        throw new IllegalArgumentException(option + ": unknown value '" + value + "'; expected one of "
                + java.util.Arrays.stream(type.getEnumConstants()).map(c -> c.name().toLowerCase(Locale.ROOT)).toList()
                + ("--lexical".equals(option) ? " or none" : ""));
    }

}
