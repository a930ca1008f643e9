package dev.dl4jlosses.examples.simclr;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import dev.dl4jlosses.examples.common.Progress;
import dev.dl4jlosses.examples.common.RunFailure;
import dev.dl4jlosses.examples.common.WarmupCosineSchedule;
import dev.dl4jlosses.examples.eval.EncoderScores;
import dev.dl4jlosses.examples.images.AugmentedPairs;
import dev.dl4jlosses.examples.images.ImageFiles;
import dev.dl4jlosses.examples.images.ImageSet;
import dev.dl4jlosses.examples.images.ProceduralShapes;
import dev.dl4jlosses.examples.images.SimClrAugmentation;
import dev.dl4jlosses.examples.images.TrainTestImages;
import dev.dl4jlosses.lossfunctions.LossNTXent;
import dev.dl4jlosses.options.HardNegatives;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.learning.config.Adam;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code simclr-image}: trains a SimCLR image encoder with a library loss, evaluates it and exports it. */
@Command(name = "simclr-image", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Trains a CNN encoder + MLP projection head SimCLR-style (two augmented views per image) with a "
                + "dl4j-losses loss, on the DL4J or the SameDiff front; evaluates the frozen encoder (linear probe, "
                + "1-NN) against the same encoder at random initialisation and against the raw pixels; exports it.",
                "Without --data-dir it trains on an embedded procedural dataset (10 shape classes), generated in-process."},
        footer = {"", "Outputs in --out: encoder.zip (DL4J, no projection head), encoder.fb (SameDiff FlatBuffers, "
                + "placeholder 'images' [n,C,H,W] in [0,1] -> 'features'), metrics.json, loss.png, similarities.png, "
                + "checkpoint/ (latest checkpoint; --resume continues from it)."})
public final class SimClrImageCommand implements Callable<Integer> {

    @Option(names = "--data-dir", paramLabel = "DIR", description = "MNIST-style IDX files (gzipped or not; MNIST, Fashion-MNIST) "
            + "or CIFAR-10 binary batches, in DIR or a subdirectory. Default: the embedded procedural dataset.")
    Path dataDir;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "runs/simclr-image", description = "Output directory (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--front", paramLabel = "dl4j|samediff", defaultValue = "dl4j", description = "Training front: dl4j (MultiLayerNetwork + "
            + "ILossFunction) or samediff (SameDiff graph + SDContrastive node). Default: ${DEFAULT-VALUE}.")
    String front;

    @Option(names = "--loss", paramLabel = "NAME", defaultValue = "ntxent", description = "Loss: ntxent (SimCLR), supcon (supervised, class "
            + "labels), circle, simple (L_simple, the non-hardness-aware baseline), contrastive (margin), triplet (all triplets), "
            + "batchhard (triplet), lifted (structured), dcl, dclw (decoupled), hcl (hard-negative-weighted debiased), debiased, "
            + "multisim (multi-similarity), and on the samediff front infonce (view 1 -> view 2, symmetric), npairs and siglip "
            + "(sigmoid, learnable scale and bias). "
            + "Default: ${DEFAULT-VALUE}.")
    String loss;

    @Option(names = "--steps", paramLabel = "N", description = "Training steps (default: " + DEFAULT_EMBEDDED_EPOCHS + " epochs of the "
            + "embedded dataset; " + DEFAULT_FILE_STEPS + " on files, 4 to 6 minutes of training on a 2-core CPU, a whole run under 8).")
    Integer stepsOption;

    @Option(names = "--epochs", paramLabel = "N", description = "Training length in epochs instead of --steps.")
    Integer epochsOption;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "128", description = "Images per batch N; each batch holds 2N views (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--chunk", paramLabel = "ROWS", description = "DL4J front: train with cached gradients (CachedContrastiveTrainer), "
            + "running the 2N views through the network ROWS at a time, so --batch can exceed what the activations of one "
            + "fit would need in memory; batch normalisation then uses each chunk's statistics. Default: one fit per batch.")
    Integer chunk;

    @Option(names = "--temperature", paramLabel = "TAU", description = "Temperature tau (default: " + DEFAULT_TEMPERATURE
            + " for ntxent, the loss's own otherwise: 0.1 for supcon, dcl and dclw, 0.07 for infonce, 0.5 for hcl and debiased).")
    Double temperature;

    @Option(names = "--hard-negatives", paramLabel = "RULE", description = "Keep only each anchor's hardest negatives "
            + "(Wang & Liu 2021; ntxent, supcon, infonce): topk:K, fraction:F (0 < F <= 1) or threshold:T (cosine "
            + "similarity). Default: all negatives.")
    String hardNegativesOption;

    @Option(names = "--lr", paramLabel = "RATE", defaultValue = "5e-3", description = "Peak learning rate of Adam (default: ${DEFAULT-VALUE}).")
    double learningRate;

    @Option(names = "--warmup-steps", paramLabel = "N", description = "Linear warm-up, then cosine decay to 1%% (default: 5%% of the steps).")
    Integer warmupStepsOption;

    @Option(names = "--weight-decay", paramLabel = "COEFF", defaultValue = "1e-5", description = "Decoupled weight decay (default: ${DEFAULT-VALUE}).")
    double weightDecay;

    @Option(names = "--filters", paramLabel = "N", defaultValue = "32", description = "Filters of the first conv block, 2x in the second (default: ${DEFAULT-VALUE}).")
    int filters;

    @Option(names = "--head-dim", paramLabel = "N", defaultValue = "256", description = "Width of the projection head's hidden layers (default: ${DEFAULT-VALUE}).")
    int headDim;

    @Option(names = "--projection-dim", paramLabel = "N", defaultValue = "64", description = "Output size of the projection head (default: ${DEFAULT-VALUE}).")
    int projectionDim;

    @Option(names = "--flip", paramLabel = "auto|on|off", defaultValue = "auto", description = "Random horizontal flips: auto (on for "
            + "the embedded shapes and CIFAR-10, off for IDX files, where they would turn digits into other symbols), on, off. "
            + "Default: ${DEFAULT-VALUE}.")
    String flip;

    @Option(names = "--train-size", paramLabel = "N", description = "Use only the first N training images (default: all; embedded: 4096 generated).")
    Integer trainSize;

    @Option(names = "--test-size", paramLabel = "N", description = "Held-out images for the evaluation (default: all of the test split; embedded: 2000 generated).")
    Integer testSize;

    @Option(names = "--probe-size", paramLabel = "N", defaultValue = "5000", description = "Labelled training images the linear probe and 1-NN fit on (default: ${DEFAULT-VALUE}).")
    int probeSize;

    @Option(names = "--probe-epochs", paramLabel = "N", defaultValue = "30", description = "Epochs of the linear probe's softmax regression (default: ${DEFAULT-VALUE}).")
    int probeEpochs;

    @Option(names = "--image-size", paramLabel = "PIXELS", defaultValue = "28", description = "Side of the embedded dataset's images, a multiple of 4 (default: ${DEFAULT-VALUE}).")
    int imageSize;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "42", description = "Seed of initialisation, shuffling, augmentation and data (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--checkpoint-every", paramLabel = "STEPS", defaultValue = "200", description = "Write a checkpoint every this many steps (and at the end) (default: ${DEFAULT-VALUE}).")
    int checkpointEvery;

    @Option(names = "--resume", description = "Continue from the checkpoint in --out (same settings required).")
    boolean resume;

    @Option(names = "--write-data", paramLabel = "DIR", description = "Only write the training and test images this run would use "
            + "to DIR, as IDX files (grey) or CIFAR-10 batches (colour), and exit: e.g. to train the PyTorch reference on the embedded data.")
    Path writeData;

    @Option(names = "--stop-after-steps", hidden = true, description = "Stop (as if interrupted) after this many steps; for tests.")
    Integer stopAfterSteps;

    static final int DEFAULT_EMBEDDED_EPOCHS = 6;
    static final int DEFAULT_FILE_STEPS = 1500;
    static final double DEFAULT_TEMPERATURE = 0.2;
    private static final int EMBEDDED_TRAIN = 4096;
    private static final int EMBEDDED_TEST = 2000;
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
        checkFlags(lossChoice);
        double tau = temperature != null ? temperature : lossChoice == LossChoice.NTXENT ? DEFAULT_TEMPERATURE : lossChoice.defaultTemperature();
        HardNegatives hardNegatives = hardNegativesOption == null ? null : parseHardNegatives(hardNegativesOption);

        TrainTestImages data = loadData();
        if (writeData != null) {
            ImageFiles.write(data, writeData);
            System.out.println("wrote " + data.train().size() + " training and " + data.test().size() + " test images to " + writeData);
            return 0;
        }
        ImageSet train = data.train();
        ImageSet probeFit = train.head(Math.min(probeSize, train.size()));
        ImageSet test = data.test();
        System.out.printf(Locale.ROOT, "data: %s, %d training and %d test images of %dx%dx%d, %d classes%n", data.source(),
                train.size(), test.size(), train.channels(), train.height(), train.width(), train.numClasses());
        if (batch > train.size()) {
            throw new IllegalArgumentException("--batch " + batch + " is larger than the " + train.size() + " training images");
        }
        Encoder encoder = new Encoder(train.channels(), train.height(), train.width(), filters, headDim, projectionDim);
        SimClrAugmentation augmentation = SimClrAugmentation.forImages(train, flips(train));
        int stepsPerEpoch = AugmentedPairs.stepsPerEpoch(train.size(), batch);
        long totalSteps = stepsOption != null ? stepsOption
                : (long) stepsPerEpoch * (epochsOption != null ? epochsOption : dataDir == null ? DEFAULT_EMBEDDED_EPOCHS : 0);
        if (totalSteps == 0) {
            totalSteps = DEFAULT_FILE_STEPS;
        }
        int warmup = warmupStepsOption != null ? warmupStepsOption : (int) Math.max(1, totalSteps / 20);
        var schedule = new WarmupCosineSchedule(learningRate, warmup, (int) totalSteps, 0.01);
        String settings = String.join(" ", data.source(), "train=" + train.size(), "size=" + train.channels() + "x" + train.height() + "x" + train.width(),
                "front=" + (sameDiff ? "samediff" : "dl4j"), "loss=" + lossChoice, "steps=" + totalSteps, "batch=" + batch, "tau=" + tau,
                "hard=" + hardNegatives, "lr=" + learningRate, "warmup=" + warmup, "wd=" + weightDecay, "filters=" + filters,
                "head=" + headDim, "proj=" + projectionDim, "flip=" + augmentation.flip(), "seed=" + seed)
                // chunks change batch normalisation's statistics, so a resumed run must use the same
                + (chunk == null ? "" : " chunk=" + chunk);

        Checkpoint checkpoint = new Checkpoint(out.resolve("checkpoint"), sameDiff);
        TrainingFront trainer;
        RunState state;
        if (resume) {
            state = checkpoint.readState(settings);
            trainer = sameDiff ? SameDiffFront.restore(encoder, checkpoint.model()) : Dl4jFront.restore(encoder, checkpoint.model(), chunk);
            checkpoint.checkSteps(trainer.iterations(), state.stepsDone());
            System.out.printf(Locale.ROOT, "resuming after step %d of %d%n", state.stepsDone(), totalSteps);
        } else {
            Adam adam = Adam.builder().learningRateSchedule(schedule).build();
            // both fronts start from this network's weights, so a seed gives the same initial encoder on either
            MultiLayerNetwork initial = encoder.dl4jNetwork(sameDiff ? new LossNTXent() : lossChoice.dl4j(tau, hardNegatives),
                    adam, weightDecay, seed);
            trainer = sameDiff ? SameDiffFront.create(encoder, initial, lossChoice, tau, hardNegatives, adam, weightDecay)
                    : new Dl4jFront(encoder, initial, chunk);
            System.out.println("evaluating the baselines: raw pixels and the encoder at random initialisation ...");
            EncoderScores rawPixels = EncoderScores.evaluate(EncoderScores::pixels, probeFit, test, probeEpochs, seed);
            EncoderScores randomInit = EncoderScores.evaluate(trainer::features, probeFit, test, probeEpochs, seed);
            state = new RunState(settings, 0, List.of(), 0, rawPixels, randomInit, Report.pairSimilarities(trainer, augmentation, test, seed));
            System.out.println("raw pixels:  " + Report.describe(rawPixels));
            System.out.println("random init: " + Report.describe(randomInit));
        }

        List<Double> losses = new ArrayList<>(state.losses());
        long lastStep = stopAfterSteps == null ? totalSteps : Math.min(totalSteps, stopAfterSteps);
        int epochs = (int) ((totalSteps + stepsPerEpoch - 1) / stepsPerEpoch);
        System.out.printf(Locale.ROOT, "training: %s front, %s loss (%s), %d steps (%.1f epochs of %d steps), %d views per step%n",
                sameDiff ? "SameDiff" : "DL4J", lossChoice.name().toLowerCase(Locale.ROOT),
                lossChoice.usesTemperature() ? "tau " + tau : "its default hyper-parameters", totalSteps,
                totalSteps / (double) stepsPerEpoch, stepsPerEpoch, 2 * batch);
        Progress progress = new Progress(System.out, "views", state.stepsDone(), totalSteps);
        long[] views = {0};
        long[] stepsDone = {state.stepsDone()};
        RunState[] latest = {state};
        double trainSeconds = state.trainSeconds();
        long started = System.nanoTime();
        TrainingFront.StepDone afterStep = (b, value) -> {
            if (!Double.isFinite(value)) {
                throw new RunFailure("loss became " + value + advice(b.globalStep()));
            }
            losses.add(value);
            views[0] += b.views().size(0);
            progress.update(b.epoch(), epochs, b.globalStep(), value, views[0]);
            stepsDone[0] = b.globalStep() + 1;
            if (stepsDone[0] % checkpointEvery == 0 || stepsDone[0] == lastStep) {
                double seconds = trainSeconds + (System.nanoTime() - started) / 1e9;
                latest[0] = new RunState(settings, stepsDone[0], List.copyOf(losses), seconds, latest[0].rawPixels(),
                        latest[0].baseline(), latest[0].baselinePairs());
                checkpoint.write(trainer, latest[0]);
            }
        };
        try (AugmentedPairs batches = new AugmentedPairs(train, augmentation, batch, seed, state.stepsDone(), lastStep, PREFETCH)) {
            trainer.train(batches, lossChoice, afterStep);
        } catch (IllegalArgumentException e) {
            // the flags were checked up front: a loss that rejects the network's output means training diverged
            throw new RunFailure("training diverged (" + e.getMessage() + ")" + advice(stepsDone[0]));
        }
        state = latest[0];
        if (lastStep < totalSteps) {
            System.out.printf(Locale.ROOT, "stopped after step %d; continue with --resume%n", lastStep);
            return 0;
        }
        new Report(out, settings, lossChoice, front).write(trainer, augmentation, probeFit, test, probeEpochs, seed, state, stepsPerEpoch, 2L * batch);
        return 0;
    }

    /** @param step the failing step, counted from 0 */
    private static String advice(long step) {
        return " at step " + (step + 1) + "; try a lower --lr or a higher --temperature";
    }

    private boolean flips(ImageSet train) {
        return switch (flip.toLowerCase(Locale.ROOT)) {
            case "auto" -> train.flipInvariant();
            case "on" -> true;
            case "off" -> false;
            default -> throw new IllegalArgumentException("--flip must be auto, on or off; got " + flip);
        };
    }

    private void checkFlags(LossChoice lossChoice) {
        List<String> problems = new ArrayList<>();
        require(problems, stepsOption == null || epochsOption == null, "give --steps or --epochs, not both");
        require(problems, stepsOption == null || stepsOption >= 1, "--steps must be >= 1, got " + stepsOption);
        require(problems, epochsOption == null || epochsOption >= 1, "--epochs must be >= 1, got " + epochsOption);
        require(problems, batch >= 2, "--batch must be >= 2, got " + batch);
        require(problems, chunk == null || chunk >= 1, "--chunk must be >= 1, got " + chunk);
        require(problems, chunk == null || front.equalsIgnoreCase("dl4j"), "--chunk needs --front dl4j (the example's SameDiff "
                + "front does not use the library's CachedSameDiffTrainer: its batch-norm statistics come from a listener)");
        require(problems, learningRate > 0 && Double.isFinite(learningRate), "--lr must be > 0, got " + learningRate);
        require(problems, warmupStepsOption == null || warmupStepsOption >= 0, "--warmup-steps must be >= 0, got " + warmupStepsOption);
        require(problems, weightDecay >= 0, "--weight-decay must be >= 0, got " + weightDecay);
        require(problems, filters >= 1, "--filters must be >= 1, got " + filters);
        require(problems, headDim >= 1, "--head-dim must be >= 1, got " + headDim);
        require(problems, projectionDim >= 1, "--projection-dim must be >= 1, got " + projectionDim);
        require(problems, probeSize >= 10, "--probe-size must be >= 10, got " + probeSize);
        require(problems, probeEpochs >= 1, "--probe-epochs must be >= 1, got " + probeEpochs);
        require(problems, imageSize >= 8 && imageSize % 4 == 0, "--image-size must be a multiple of 4 and >= 8, got " + imageSize);
        require(problems, trainSize == null || trainSize >= 2, "--train-size must be >= 2, got " + trainSize);
        require(problems, testSize == null || testSize >= 1, "--test-size must be >= 1, got " + testSize);
        require(problems, checkpointEvery >= 1, "--checkpoint-every must be >= 1, got " + checkpointEvery);
        require(problems, temperature == null || temperature > 0, "--temperature must be > 0, got " + temperature);
        require(problems, temperature == null || lossChoice.usesTemperature(), "--temperature does not apply to --loss "
                + lossChoice.name().toLowerCase(Locale.ROOT) + " (it uses its own defaults: margins, gamma, lambda, or a learned scale)");
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
    }

    private static void require(List<String> problems, boolean condition, String problem) {
        if (!condition) {
            problems.add(problem);
        }
    }

    private TrainTestImages loadData() throws IOException {
        if (dataDir == null) {
            int trainCount = trainSize == null ? EMBEDDED_TRAIN : trainSize;
            int testCount = testSize == null ? EMBEDDED_TEST : testSize;
            ImageSet all = ProceduralShapes.generate(trainCount + testCount, imageSize, seed);
            return new TrainTestImages(all.slice(0, trainCount), all.slice(trainCount, trainCount + testCount));
        }
        TrainTestImages data = ImageFiles.load(dataDir);
        ImageSet train = trainSize == null ? data.train() : data.train().head(trainSize);
        ImageSet test = testSize == null ? data.test() : data.test().head(testSize);
        return new TrainTestImages(train, test);
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
