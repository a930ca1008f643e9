package dev.dl4jlosses.examples.simclr;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.dl4jlosses.examples.eval.Charts;
import dev.dl4jlosses.examples.eval.EncoderScores;
import dev.dl4jlosses.examples.eval.PairSimilarities;
import dev.dl4jlosses.examples.images.ImageSet;
import dev.dl4jlosses.examples.images.SimClrAugmentation;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The end of a {@code simclr-image} run: evaluates the trained encoder, exports it in both formats (checked against
 * the in-memory one), draws the charts and writes {@code metrics.json}, and prints the figures next to the baselines.
 */
final class Report {

    /** Held-out images whose augmented pairs the similarity histograms and alignment/uniformity are measured on. */
    private static final int PAIR_SAMPLE = 256;

    private final Path out;
    private final String settings;
    private final LossChoice loss;
    private final String front;

    Report(Path out, String settings, LossChoice loss, String front) {
        this.out = out;
        this.settings = settings;
        this.loss = loss;
        this.front = front;
    }

    void write(TrainingFront trainer, SimClrAugmentation augmentation, ImageSet probeFit, ImageSet test, int probeEpochs,
               long seed, RunState state, int stepsPerEpoch, long viewsPerStep) throws IOException {
        System.out.println("evaluating the trained encoder ...");
        EncoderScores trained = EncoderScores.evaluate(trainer::features, probeFit, test, probeEpochs, seed);
        PairSimilarities trainedPairs = pairSimilarities(trainer, augmentation, test, seed);
        double exportDifference = export(trainer, test.head(Math.min(PAIR_SAMPLE, test.size())).images());
        List<Double> losses = state.losses();
        Charts.lossCurve(losses, "SimCLR training loss (" + loss.name().toLowerCase(Locale.ROOT) + ", " + front + " front)", out.resolve("loss.png"));
        Charts.similarityHistograms(state.baselinePairs(), trainedPairs, out.resolve("similarities.png"));

        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("settings", settings);
        metrics.put("steps", losses.size());
        metrics.put("trainSeconds", state.trainSeconds());
        metrics.put("viewsPerSecond", losses.size() * viewsPerStep / state.trainSeconds());
        metrics.put("firstLoss", losses.get(0));
        metrics.put("finalLoss", meanOfLast(losses, Math.min(stepsPerEpoch, 50)));
        metrics.put("rawPixels", scores(state.rawPixels(), null));
        metrics.put("randomInit", scores(state.baseline(), state.baselinePairs()));
        metrics.put("trained", scores(trained, trainedPairs));
        metrics.put("exportMaxAbsDifference", exportDifference);
        RunState.JSON.writeValue(out.resolve("metrics.json").toFile(), metrics);

        System.out.println();
        System.out.println("                       trained   random init   raw pixels");
        System.out.printf(Locale.ROOT, "linear probe accuracy: %7s   %11s   %10s%n", percent(trained.linearProbe()),
                percent(state.baseline().linearProbe()), percent(state.rawPixels().linearProbe()));
        System.out.printf(Locale.ROOT, "1-NN top-1 accuracy:   %7s   %11s   %10s%n", percent(trained.knnTop1()),
                percent(state.baseline().knnTop1()), percent(state.rawPixels().knnTop1()));
        System.out.printf(Locale.ROOT, "pair cosine similarity (positive / negative): trained %.3f / %.3f   random init %.3f / %.3f%n",
                trainedPairs.meanPositive(), trainedPairs.meanNegative(), state.baselinePairs().meanPositive(), state.baselinePairs().meanNegative());
        System.out.printf(Locale.ROOT, "alignment / uniformity (projections): trained %.3f / %.3f   random init %.3f / %.3f%n",
                trainedPairs.alignment(), trainedPairs.uniformity(), state.baselinePairs().alignment(), state.baselinePairs().uniformity());
        System.out.printf(Locale.ROOT, "trained %d steps in %.0f s (%.0f views/s)%n", losses.size(), state.trainSeconds(),
                losses.size() * viewsPerStep / state.trainSeconds());
        System.out.println("wrote " + out.toAbsolutePath().normalize() + ": encoder.zip, encoder.fb, metrics.json, loss.png, similarities.png");
    }

    /** Positive vs negative pair similarities of the projections, on a fixed augmented sample of test images. */
    static PairSimilarities pairSimilarities(TrainingFront trainer, SimClrAugmentation augmentation, ImageSet test, long seed) {
        INDArray images = test.head(Math.min(PAIR_SAMPLE, test.size())).images();
        return PairSimilarities.of(trainer.projections(augmentation.twoViews(images, seed + 7)));
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
        INDArray fromDl4j = ModelSerializer.restoreComputationGraph(dl4jFile, false).outputSingle(false, images);
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
        map.put("tolerance", scores.tolerance());
        if (pairs != null) {
            map.put("meanPositivePairSimilarity", pairs.meanPositive());
            map.put("meanNegativePairSimilarity", pairs.meanNegative());
            map.put("alignment", pairs.alignment());
            map.put("uniformity", pairs.uniformity());
        }
        return map;
    }

    private static double meanOfLast(List<Double> values, int count) {
        return values.subList(Math.max(0, values.size() - count), values.size()).stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    static String describe(EncoderScores scores) {
        return "linear probe " + percent(scores.linearProbe()) + ", 1-NN " + percent(scores.knnTop1());
    }

    private static String percent(double accuracy) {
        return String.format(Locale.ROOT, "%.2f%%", 100 * accuracy);
    }
}
