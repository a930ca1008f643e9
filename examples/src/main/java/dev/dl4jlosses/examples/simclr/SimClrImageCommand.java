package dev.dl4jlosses.examples.simclr;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import dev.dl4jlosses.core.HardNegatives;
import dev.dl4jlosses.examples.common.Progress;
import dev.dl4jlosses.examples.common.RunFailure;
import dev.dl4jlosses.examples.common.WarmupCosineSchedule;
import dev.dl4jlosses.examples.eval.Charts;
import dev.dl4jlosses.examples.eval.EncoderScores;
import dev.dl4jlosses.examples.eval.PairSimilarities;
import dev.dl4jlosses.examples.images.AugmentedPairs;
import dev.dl4jlosses.examples.images.ImageFiles;
import dev.dl4jlosses.examples.images.ImageSet;
import dev.dl4jlosses.examples.images.ProceduralShapes;
import dev.dl4jlosses.examples.images.SimClrAugmentation;
import dev.dl4jlosses.examples.images.TrainTestImages;
import dev.dl4jlosses.lossfunctions.LossNTXent;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code simclr-image}: trains a SimCLR image encoder with a library loss, evaluates it and exports it. */
@Command(name = "simclr-image", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Trains a CNN encoder + MLP projection head SimCLR-style (two augmented views per image) with a "
                + "dl4j-losses loss, on the DL4J or the SameDiff front; evaluates the frozen encoder (linear probe, "
                + "1-NN) against the same encoder at random initialisation; exports it.",
                "Without --data-dir it trains on an embedded procedural dataset (10 shape classes), generated in-process."},
        footer = {"", "Outputs in --out: encoder.zip (DL4J, no projection head), encoder.fb (SameDiff FlatBuffers, "
                + "placeholder 'images' [n,C,H,W] in [0,1] -> 'features'), metrics.json, loss.png, similarities.png, "
                + "checkpoint/ (latest epoch; --resume continues from it)."})
public final class SimClrImageCommand implements Callable<Integer> {

    @Option(names = "--data-dir", paramLabel = "DIR", description = "MNIST IDX files (gzipped or not) or CIFAR-10 binary "
            + "batches, in DIR or a subdirectory. Default: the embedded procedural dataset.")
    Path dataDir;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "runs/simclr-image", description = "Output directory (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--front", paramLabel = "dl4j|samediff", defaultValue = "dl4j", description = "Training front: dl4j (MultiLayerNetwork + "
            + "ILossFunction) or samediff (SameDiff graph + SDContrastive node). Default: ${DEFAULT-VALUE}.")
    String front;

    @Option(names = "--loss", paramLabel = "NAME", defaultValue = "ntxent", description = "Loss: ntxent (SimCLR), supcon (supervised, class "
            + "labels), circle, simple (L_simple, the non-hardness-aware baseline), contrastive (margin), triplet (all triplets), "
            + "batchhard (triplet), lifted (structured), and on the samediff front infonce (view 1 -> view 2, symmetric) and npairs. "
            + "Default: ${DEFAULT-VALUE}.")
    String loss;

    @Option(names = "--epochs", paramLabel = "N", description = "Training epochs (default: 6 on the embedded dataset, 1 on files; "
            + "with the default sizes about 3 and 5 minutes of training on a 2-core CPU).")
    Integer epochsOption;

    private int epochs;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "128", description = "Images per batch N; each batch holds 2N views (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--temperature", paramLabel = "TAU", description = "Temperature tau (default: the loss's own, 0.5 for ntxent, 0.1 for supcon, 0.07 for infonce).")
    Double temperature;

    @Option(names = "--hard-negatives", paramLabel = "RULE", description = "Keep only each anchor's hardest negatives "
            + "(Wang & Liu 2021; ntxent, supcon, infonce): topk:K, fraction:F (0 < F <= 1) or threshold:T (cosine "
            + "similarity). Default: all negatives.")
    String hardNegativesOption;

    @Option(names = "--lr", paramLabel = "RATE", defaultValue = "3e-3", description = "Peak learning rate of Adam (default: ${DEFAULT-VALUE}).")
    double learningRate;

    @Option(names = "--warmup-epochs", paramLabel = "EPOCHS", defaultValue = "1", description = "Linear warm-up (at most a fifth of the run), then cosine decay to 1%% (default: ${DEFAULT-VALUE}).")
    double warmupEpochs;

    @Option(names = "--weight-decay", paramLabel = "COEFF", defaultValue = "1e-5", description = "Decoupled weight decay (default: ${DEFAULT-VALUE}).")
    double weightDecay;

    @Option(names = "--filters", paramLabel = "N", defaultValue = "32", description = "Filters of the first conv layer (then 2x, 4x); features = 4x (default: ${DEFAULT-VALUE}).")
    int filters;

    @Option(names = "--projection-dim", paramLabel = "N", defaultValue = "64", description = "Output size of the projection head (default: ${DEFAULT-VALUE}).")
    int projectionDim;

    @Option(names = "--train-size", paramLabel = "N", description = "Use only the first N training images (default: embedded 4096 "
            + "generated; files: the pixels of 45000 images of 28x28, i.e. 34453 at 32x32, all if fewer).")
    Integer trainSize;

    @Option(names = "--test-size", paramLabel = "N", description = "Held-out images for the evaluation (default: all of the test split; embedded: 2000 generated).")
    Integer testSize;

    @Option(names = "--probe-size", paramLabel = "N", defaultValue = "5000", description = "Labelled training images the linear probe and 1-NN fit on (default: ${DEFAULT-VALUE}).")
    int probeSize;

    @Option(names = "--probe-epochs", paramLabel = "N", defaultValue = "30", description = "Epochs of the linear probe's softmax regression (default: ${DEFAULT-VALUE}).")
    int probeEpochs;

    @Option(names = "--image-size", paramLabel = "PIXELS", defaultValue = "28", description = "Side of the embedded dataset's images (default: ${DEFAULT-VALUE}).")
    int imageSize;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "42", description = "Seed of initialisation, shuffling, augmentation and data (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--resume", description = "Continue from the checkpoint in --out (same settings required).")
    boolean resume;

    @Option(names = "--stop-after-epochs", hidden = true, description = "Stop (as if interrupted) after this many epochs; for tests.")
    Integer stopAfterEpochs;

    private static final int PAIR_SAMPLE = 256;
    /** Default training set from files: about 5 minutes of training at the embedded run's measured speed (45000 images of 28x28). */
    private static final int FILE_TRAINING_PIXELS = 45_000 * 28 * 28;
    private static final int PREFETCH = 3;

    @Override
    public Integer call() throws Exception {
        LossChoice lossChoice = parse(LossChoice.class, loss, "--loss");
        boolean sameDiff = switch (front.toLowerCase(Locale.ROOT)) {
            case "dl4j" -> false;
            case "samediff" -> true;
            default -> throw new IllegalArgumentException("--front must be dl4j or samediff; got " + front);
        };
        lossChoice.checkFront(sameDiff);
        epochs = epochsOption != null ? epochsOption : dataDir == null ? 6 : 1;
        checkFlags(lossChoice);
        double tau = temperature != null ? temperature : lossChoice.defaultTemperature();
        HardNegatives hardNegatives = hardNegativesOption == null ? null : parseHardNegatives(hardNegativesOption);

        TrainTestImages data = loadData();
        ImageSet train = data.train();
        ImageSet probeFit = train.head(Math.min(probeSize, train.size()));
        ImageSet test = data.test();
        System.out.printf(Locale.ROOT, "data: %s, %d training and %d test images of %dx%dx%d, %d classes%n", data.source(),
                train.size(), test.size(), train.channels(), train.height(), train.width(), train.numClasses());

        Encoder encoder = new Encoder(train.channels(), train.height(), train.width(), filters, 4 * filters * 2, projectionDim);
        SimClrAugmentation augmentation = SimClrAugmentation.forImages(train);
        if (batch > train.size()) {
            throw new IllegalArgumentException("--batch " + batch + " is larger than the " + train.size() + " training images");
        }
        int stepsPerEpoch = AugmentedPairs.stepsPerEpoch(train.size(), batch);
        int totalSteps = stepsPerEpoch * epochs;
        var schedule = new WarmupCosineSchedule(learningRate, warmupSteps(warmupEpochs, stepsPerEpoch, totalSteps), totalSteps, 0.01);
        String settings = String.join(" ", data.source(), "train=" + train.size(), "size=" + train.channels() + "x" + train.height() + "x" + train.width(),
                "front=" + (sameDiff ? "samediff" : "dl4j"), "loss=" + lossChoice,
                "epochs=" + epochs, "batch=" + batch, "tau=" + tau, "hard=" + hardNegatives, "lr=" + learningRate, "warmup=" + warmupEpochs,
                "wd=" + weightDecay, "filters=" + filters, "proj=" + projectionDim, "seed=" + seed);

        Files.createDirectories(out.resolve("checkpoint"));
        Path checkpointModel = out.resolve("checkpoint").resolve(sameDiff ? "model.fb" : "model.zip");
        Path checkpointState = out.resolve("checkpoint").resolve("state.json");
        INDArray pairImages = test.head(Math.min(PAIR_SAMPLE, test.size())).images();

        TrainingFront trainer;
        RunState state;
        if (resume) {
            if (!Files.isRegularFile(checkpointState)) {
                throw new IllegalArgumentException("--resume: no checkpoint in " + out.resolve("checkpoint") + " (expected "
                        + checkpointModel.getFileName() + " and state.json)");
            }
            state = RunState.read(checkpointState);
            if (!state.settings().equals(settings)) {
                throw new IllegalArgumentException("--resume: the checkpoint in " + out + " was made with different settings:\n  checkpoint: "
                        + state.settings() + "\n  now:        " + settings);
            }
            if (!Files.isRegularFile(checkpointModel)) {
                throw new IllegalArgumentException("--resume: " + checkpointModel + " is missing next to its state.json");
            }
            trainer = sameDiff ? SameDiffFront.restore(encoder, checkpointModel) : Dl4jFront.restore(encoder, checkpointModel);
            if (trainer.iterations() != (long) state.epochsDone() * stepsPerEpoch) {
                throw new IllegalArgumentException("--resume: " + checkpointModel + " holds " + trainer.iterations() + " training steps but "
                        + checkpointState.getFileName() + " records " + state.epochsDone() + " epochs of " + stepsPerEpoch
                        + " steps (the run stopped while writing the checkpoint); start again without --resume");
            }
            System.out.printf(Locale.ROOT, "resuming after epoch %d of %d%n", state.epochsDone(), epochs);
        } else {
            Adam adam = Adam.builder().learningRateSchedule(schedule).build();
            // both fronts start from this network's weights, so a seed gives the same initial encoder on either
            MultiLayerNetwork initial = encoder.dl4jNetwork(sameDiff ? new LossNTXent() : lossChoice.dl4j(tau, hardNegatives),
                    adam, weightDecay, seed);
            trainer = sameDiff ? SameDiffFront.create(encoder, initial, lossChoice, tau, hardNegatives, adam, weightDecay)
                    : new Dl4jFront(encoder, initial);
            System.out.println("evaluating the encoder at random initialisation (baseline) ...");
            EncoderScores baseline = EncoderScores.evaluate(trainer::features, probeFit, test, probeEpochs, seed);
            state = new RunState(settings, 0, List.of(), baseline, pairSimilarities(trainer, augmentation, pairImages));
            System.out.println("baseline: " + describe(baseline));
        }

        List<Double> losses = new ArrayList<>(state.losses());
        int lastEpoch = stopAfterEpochs == null ? epochs : Math.min(epochs, stopAfterEpochs);
        System.out.printf(Locale.ROOT, "training: %s front, %s loss (%s), %d epochs of %d steps, %d views per step%n",
                sameDiff ? "SameDiff" : "DL4J", lossChoice.name().toLowerCase(Locale.ROOT),
                lossChoice.usesTemperature() ? "tau " + tau : "its default hyper-parameters", epochs, stepsPerEpoch, 2 * batch);
        Progress progress = new Progress(System.out, "views", (long) state.epochsDone() * stepsPerEpoch, totalSteps);
        long images = 0;
        try (AugmentedPairs batches = new AugmentedPairs(train, augmentation, batch, seed, state.epochsDone(), lastEpoch, PREFETCH)) {
            for (AugmentedPairs.Batch b = batches.next(); b != null; b = batches.next()) {
                double value;
                try {
                    value = trainer.fit(b, lossChoice);
                } catch (IllegalArgumentException e) {
                    // the flags were checked up front: a loss that rejects the network's output means training diverged
                    throw new RunFailure("training diverged (" + e.getMessage() + ")" + advice(b));
                }
                if (!Double.isFinite(value)) {
                    throw new RunFailure("loss became " + value + advice(b));
                }
                losses.add(value);
                images += b.views().size(0);
                long globalStep = (long) b.epoch() * stepsPerEpoch + b.step();
                progress.update(b.epoch(), epochs, globalStep, value, images);
                if (b.step() == stepsPerEpoch - 1) {
                    trainer.saveCheckpoint(checkpointModel.resolveSibling(checkpointModel.getFileName() + ".partial"));
                    Files.move(checkpointModel.resolveSibling(checkpointModel.getFileName() + ".partial"), checkpointModel,
                            StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                    state = new RunState(settings, b.epoch() + 1, List.copyOf(losses), state.baseline(), state.baselinePairs());
                    state.write(checkpointState);
                }
            }
        }
        if (lastEpoch < epochs) {
            System.out.printf(Locale.ROOT, "stopped after epoch %d; continue with --resume%n", lastEpoch);
            return 0;
        }

        System.out.println("evaluating the trained encoder ...");
        EncoderScores trained = EncoderScores.evaluate(trainer::features, probeFit, test, probeEpochs, seed);
        PairSimilarities trainedPairs = pairSimilarities(trainer, augmentation, pairImages);
        double exportDifference = export(trainer, test.head(Math.min(PAIR_SAMPLE, test.size())).images());
        Charts.lossCurve(losses, "SimCLR training loss (" + lossChoice.name().toLowerCase(Locale.ROOT) + ", " + front + " front)", out.resolve("loss.png"));
        Charts.similarityHistograms(state.baselinePairs(), trainedPairs, out.resolve("similarities.png"));

        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("settings", settings);
        metrics.put("steps", losses.size());
        metrics.put("firstLoss", losses.get(0));
        metrics.put("finalLoss", meanOfLast(losses, stepsPerEpoch));
        metrics.put("randomInit", scores(state.baseline(), state.baselinePairs()));
        metrics.put("trained", scores(trained, trainedPairs));
        metrics.put("exportMaxAbsDifference", exportDifference);
        RunState.JSON.writeValue(out.resolve("metrics.json").toFile(), metrics);

        System.out.println();
        System.out.println("linear probe accuracy: trained " + percent(trained.linearProbe()) + "   random init " + percent(state.baseline().linearProbe()));
        System.out.println("1-NN top-1 accuracy:   trained " + percent(trained.knnTop1()) + "   random init " + percent(state.baseline().knnTop1()));
        System.out.printf(Locale.ROOT, "pair cosine similarity (positive / negative): trained %.3f / %.3f   random init %.3f / %.3f%n",
                trainedPairs.meanPositive(), trainedPairs.meanNegative(), state.baselinePairs().meanPositive(), state.baselinePairs().meanNegative());
        System.out.printf(Locale.ROOT, "alignment / uniformity (projections): trained %.3f / %.3f   random init %.3f / %.3f%n",
                trainedPairs.alignment(), trainedPairs.uniformity(), state.baselinePairs().alignment(), state.baselinePairs().uniformity());
        System.out.println("wrote " + out.toAbsolutePath().normalize() + ": encoder.zip, encoder.fb, metrics.json, loss.png, similarities.png");
        return 0;
    }

    private static String advice(AugmentedPairs.Batch b) {
        return " at epoch " + (b.epoch() + 1) + " step " + (b.step() + 1) + "; try a lower --lr or a higher --temperature";
    }

    private void checkFlags(LossChoice lossChoice) {
        List<String> problems = new ArrayList<>();
        require(problems, epochs >= 1, "--epochs must be >= 1, got " + epochs);
        require(problems, batch >= 2, "--batch must be >= 2, got " + batch);
        require(problems, learningRate > 0 && Double.isFinite(learningRate), "--lr must be > 0, got " + learningRate);
        require(problems, warmupEpochs >= 0, "--warmup-epochs must be >= 0, got " + warmupEpochs);
        require(problems, weightDecay >= 0, "--weight-decay must be >= 0, got " + weightDecay);
        require(problems, filters >= 1, "--filters must be >= 1, got " + filters);
        require(problems, projectionDim >= 1, "--projection-dim must be >= 1, got " + projectionDim);
        require(problems, probeSize >= 10, "--probe-size must be >= 10, got " + probeSize);
        require(problems, probeEpochs >= 1, "--probe-epochs must be >= 1, got " + probeEpochs);
        require(problems, imageSize >= 8, "--image-size must be >= 8, got " + imageSize);
        require(problems, trainSize == null || trainSize >= 2, "--train-size must be >= 2, got " + trainSize);
        require(problems, testSize == null || testSize >= 1, "--test-size must be >= 1, got " + testSize);
        require(problems, temperature == null || temperature > 0, "--temperature must be > 0, got " + temperature);
        require(problems, temperature == null || lossChoice.usesTemperature(), "--temperature does not apply to --loss "
                + lossChoice.name().toLowerCase(Locale.ROOT) + " (it uses its own defaults: margins, gamma or lambda)");
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
    }

    private static void require(List<String> problems, boolean condition, String problem) {
        if (!condition) {
            problems.add(problem);
        }
    }

    /** The requested warm-up, capped at a fifth of the run so a short run (e.g. one epoch) still decays. */
    static int warmupSteps(double warmupEpochs, int stepsPerEpoch, int totalSteps) {
        return (int) Math.min(Math.round(warmupEpochs * stepsPerEpoch), totalSteps / 5);
    }

    private TrainTestImages loadData() throws IOException {
        if (dataDir == null) {
            int trainCount = trainSize == null ? 4096 : trainSize;
            int testCount = testSize == null ? 2000 : testSize;
            ImageSet all = ProceduralShapes.generate(trainCount + testCount, imageSize, seed);
            return new TrainTestImages(all.slice(0, trainCount), all.slice(trainCount, trainCount + testCount));
        }
        TrainTestImages data = ImageFiles.load(dataDir);
        ImageSet train = data.train().head(trainSize != null ? trainSize : FILE_TRAINING_PIXELS / (data.train().height() * data.train().width()));
        ImageSet test = testSize == null ? data.test() : data.test().head(testSize);
        return new TrainTestImages(train, test);
    }

    /** Positive vs negative pair similarities of the projections, on a fixed augmented sample of test images. */
    private PairSimilarities pairSimilarities(TrainingFront trainer, SimClrAugmentation augmentation, INDArray images) {
        Nd4j.getRandom().setSeed(seed + 7);
        return PairSimilarities.of(trainer.projections(augmentation.twoViews(images)));
    }

    /**
     * Writes the encoder without its head in both formats, reloads both and returns the largest difference between
     * their features and the in-memory encoder's (a check that what was written is what was trained).
     */
    private double export(TrainingFront trainer, INDArray images) throws IOException {
        File dl4jFile = out.resolve("encoder.zip").toFile();
        File sameDiffFile = out.resolve("encoder.fb").toFile();
        ModelSerializer.writeModel(trainer.encoderNetwork(), dl4jFile, false);
        trainer.encoderGraph().asFlatFile(sameDiffFile);
        INDArray expected = trainer.features(images);
        INDArray fromDl4j = ModelSerializer.restoreMultiLayerNetwork(dl4jFile, false).output(images, false);
        INDArray fromSameDiff = SameDiff.fromFlatFile(sameDiffFile).output(Map.of(Encoder.INPUT, images), Encoder.FEATURES).get(Encoder.FEATURES);
        double difference = Math.max(expected.sub(fromDl4j).amaxNumber().doubleValue(), expected.sub(fromSameDiff).amaxNumber().doubleValue());
        if (difference > 1e-4 * Math.max(1, expected.amaxNumber().doubleValue())) {
            throw new IllegalStateException("the exported encoder's features differ from the trained one's by " + difference);
        }
        return difference;
    }

    private static Map<String, Object> scores(EncoderScores scores, PairSimilarities pairs) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("linearProbeAccuracy", scores.linearProbe());
        map.put("knnTop1Accuracy", scores.knnTop1());
        map.put("meanPositivePairSimilarity", pairs.meanPositive());
        map.put("meanNegativePairSimilarity", pairs.meanNegative());
        map.put("alignment", pairs.alignment());
        map.put("uniformity", pairs.uniformity());
        map.put("tolerance", scores.tolerance());
        return map;
    }

    private static double meanOfLast(List<Double> values, int count) {
        return values.subList(Math.max(0, values.size() - count), values.size()).stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    private static String describe(EncoderScores scores) {
        return "linear probe " + percent(scores.linearProbe()) + ", 1-NN " + percent(scores.knnTop1());
    }

    private static String percent(double accuracy) {
        return String.format(Locale.ROOT, "%.2f%%", 100 * accuracy);
    }

    /** {@code topk:K}, {@code fraction:F} or {@code threshold:T}. */
    static HardNegatives parseHardNegatives(String rule) {
        String[] parts = rule.split(":", 2);
        try {
            if (parts.length == 2) {
                switch (parts[0].toLowerCase(Locale.ROOT)) {
                    case "topk":
                        return HardNegatives.topK(Integer.parseInt(parts[1]));
                    case "fraction":
                        return HardNegatives.topFraction(Double.parseDouble(parts[1]));
                    case "threshold":
                        return HardNegatives.threshold(Double.parseDouble(parts[1]));
                    default:
                        break;
                }
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--hard-negatives " + rule + ": " + parts[1] + " is not a number");
        }
        throw new IllegalArgumentException("--hard-negatives " + rule + " is not topk:K, fraction:F or threshold:T");
    }

    static <E extends Enum<E>> E parse(Class<E> type, String value, String option) {
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equalsIgnoreCase(value)) {
                return constant;
            }
        }
        throw new IllegalArgumentException(option + " " + value + " is not one of " + java.util.Arrays.toString(type.getEnumConstants()).toLowerCase(Locale.ROOT));
    }
}
