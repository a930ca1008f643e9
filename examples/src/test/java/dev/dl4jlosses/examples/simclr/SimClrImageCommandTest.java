package dev.dl4jlosses.examples.simclr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.dl4jlosses.examples.ExamplesCli;
import dev.dl4jlosses.examples.images.ProceduralShapes;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.jackson.databind.JsonNode;
import picocli.CommandLine;

/** Short runs of {@code simclr-image} on a tiny embedded dataset through both fronts. */
class SimClrImageCommandTest {

    private static final String[] TINY = {"--image-size", "16", "--train-size", "192", "--test-size", "64", "--probe-size", "64",
            "--probe-epochs", "2", "--filters", "4", "--head-dim", "16", "--projection-dim", "16", "--batch", "32", "--warmup-steps", "0",
            "--lr", "1e-2"};

    @TempDir
    Path dir;

    private static int run(Path out, String... extra) {
        return run(ExamplesCli.commandLine(), out, extra);
    }

    private static int run(CommandLine cli, Path out, String... extra) {
        List<String> args = new ArrayList<>(List.of("simclr-image", "--out", out.toString()));
        args.addAll(List.of(TINY));
        args.addAll(List.of(extra));
        return cli.execute(args.toArray(String[]::new));
    }

    private static double[] losses(Path out) throws Exception {
        JsonNode losses = RunState.JSON.readTree(out.resolve("checkpoint/state.json").toFile()).get("losses");
        double[] values = new double[losses.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = losses.get(i).asDouble();
        }
        return values;
    }

    private static double mean(double[] values, int from, int to) {
        return java.util.Arrays.stream(values, from, to).average().orElseThrow();
    }

    @ParameterizedTest
    @CsvSource({"dl4j, ntxent, all", "samediff, ntxent, all", "dl4j, ntxent, fraction:0.5", "dl4j, supcon, all", "samediff, infonce, topk:8",
            "samediff, circle, all", "dl4j, simple, all", "dl4j, contrastive, all", "dl4j, batchhard, all", "samediff, lifted, all",
            "dl4j, triplet, all", "samediff, npairs, all"})
    void trainsWritesEveryOutputAndTheExportsReloadToTheSameEncoder(String front, String loss, String hard) throws Exception {
        Path out = dir.resolve(front + loss + hard.replace(":", ""));
        List<String> args = new ArrayList<>(List.of("--front", front, "--loss", loss, "--epochs", "3"));
        if (!hard.equals("all")) {
            args.addAll(List.of("--hard-negatives", hard));
        }
        assertEquals(0, run(out, args.toArray(String[]::new)));

        double[] losses = losses(out);
        assertEquals(18, losses.length, "3 epochs of 192 / 32 steps");
        // contrastive margin averages over the pairs still violating a margin (PML's AvgNonZero), so it need not fall
        if (!loss.equals("contrastive")) {
            assertTrue(mean(losses, 12, 18) < mean(losses, 0, 6), "loss should decrease: " + java.util.Arrays.toString(losses));
        }
        assertTrue(java.util.Arrays.stream(losses).allMatch(Double::isFinite));

        for (String file : new String[]{"encoder.zip", "encoder.fb", "metrics.json", "loss.png", "similarities.png"}) {
            assertTrue(Files.size(out.resolve(file)) > 0, file);
        }
        JsonNode metrics = RunState.JSON.readTree(out.resolve("metrics.json").toFile());
        double pixels = metrics.get("rawPixels").get("linearProbeAccuracy").asDouble();
        assertTrue(pixels > 0.1 && pixels <= 1, "raw-pixel probe accuracy " + pixels);
        assertTrue(metrics.get("viewsPerSecond").asDouble() > 0);
        for (String split : new String[]{"randomInit", "trained"}) {
            double probe = metrics.get(split).get("linearProbeAccuracy").asDouble();
            assertTrue(probe >= 0 && probe <= 1, split + " probe accuracy " + probe);
            double alignment = metrics.get(split).get("alignment").asDouble();
            assertTrue(alignment >= 0 && alignment <= 4, split + " alignment " + alignment);
        }
        assertTrue(metrics.get("exportMaxAbsDifference").asDouble() < 1e-4);

        INDArray images = ProceduralShapes.generate(20, 16, 99).images();
        ComputationGraph dl4j = ModelSerializer.restoreComputationGraph(out.resolve("encoder.zip").toFile(), false);
        INDArray fromDl4j = dl4j.outputSingle(false, images);
        INDArray fromSameDiff = SameDiff.fromFlatFile(out.resolve("encoder.fb").toFile())
                .output(Map.of(Encoder.INPUT, images), Encoder.FEATURES).get(Encoder.FEATURES);
        assertEquals(128 + 16, fromDl4j.size(1), "the flattened maps, 2 x 4 filters x (16 / 4)^2, and the head's first layer of 16");
        assertTrue(fromDl4j.sub(fromSameDiff).amaxNumber().doubleValue() < 1e-5, "the two exports are the same encoder");
    }

    /** {@code --chunk}: cached-gradient steps in chunks of 20 of the 64 views (not a divisor), resumable like fit's. */
    @Test
    void cachedGradientTrainingInChunksTrainsAndResumes() throws Exception {
        Path whole = dir.resolve("whole");
        assertEquals(0, run(whole, "--chunk", "20", "--epochs", "3"));
        double[] losses = losses(whole);
        assertEquals(18, losses.length, "3 epochs of 192 / 32 steps");
        assertTrue(mean(losses, 12, 18) < mean(losses, 0, 6), "loss should decrease: " + java.util.Arrays.toString(losses));
        assertTrue(Files.size(whole.resolve("encoder.zip")) > 0);

        Path resumed = dir.resolve("resumed");
        assertEquals(0, run(resumed, "--chunk", "20", "--epochs", "3", "--stop-after-steps", "7", "--checkpoint-every", "7"));
        assertEquals(0, run(resumed, "--chunk", "20", "--epochs", "3", "--resume"));
        double[] resumedLosses = losses(resumed);
        for (int i = 0; i < losses.length; i++) {
            assertEquals(losses[i], resumedLosses[i], 1e-5 * Math.abs(losses[i]), "loss of step " + (i + 1));
        }
    }

    /** Stopped mid-epoch (step 5 of 6 per epoch, checkpoints every 5 steps), resumed, and compared with a run that never stopped. */
    @ParameterizedTest
    @ValueSource(strings = {"dl4j", "samediff"})
    void resumingFromTheCheckpointGivesTheUninterruptedResult(String front) throws Exception {
        Path whole = dir.resolve("whole");
        Path resumed = dir.resolve("resumed");
        assertEquals(0, run(whole, "--front", front, "--steps", "12", "--checkpoint-every", "5"));
        assertEquals(0, run(resumed, "--front", front, "--steps", "12", "--checkpoint-every", "5", "--stop-after-steps", "5"));
        assertEquals(5, losses(resumed).length);
        assertTrue(Files.notExists(resumed.resolve("encoder.zip")), "an interrupted run exports nothing");
        assertEquals(0, run(resumed, "--front", front, "--steps", "12", "--checkpoint-every", "5", "--resume"));

        double[] expected = losses(whole);
        double[] actual = losses(resumed);
        assertEquals(12, expected.length);
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-5 * Math.abs(expected[i]), "loss of step " + (i + 1));
        }
        INDArray a = ModelSerializer.restoreComputationGraph(whole.resolve("encoder.zip").toFile(), false).params();
        INDArray b = ModelSerializer.restoreComputationGraph(resumed.resolve("encoder.zip").toFile(), false).params();
        assertTrue(a.sub(b).amaxNumber().doubleValue() < 1e-5, "same trained encoder, batch-norm averages included");
    }

    @Test
    void aCheckpointWhoseModelAndStateDisagreeIsRefused() throws Exception {
        Path out = dir.resolve("torn");
        assertEquals(0, run(out, "--epochs", "2", "--checkpoint-every", "6", "--stop-after-steps", "6"));
        Path state = out.resolve("checkpoint/state.json");
        RunState saved = RunState.read(state);
        new RunState(saved.settings(), 0, List.of(), 0, saved.rawPixels(), saved.baseline(), saved.baselinePairs()).write(state);

        StringWriter err = new StringWriter();
        assertEquals(2, run(ExamplesCli.commandLine().setErr(new PrintWriter(err)), out, "--epochs", "2", "--resume"));
        assertTrue(err.toString().contains("holds 6 training steps but state.json records 0"), err.toString());
    }

    @Test
    void aDivergedLossStopsWithAMessageNotAStackTrace() {
        StringWriter err = new StringWriter();
        int status = ExamplesCli.commandLine().setErr(new PrintWriter(err)).execute("simclr-image", "--out", dir.toString(),
                "--image-size", "16", "--train-size", "64", "--test-size", "16", "--probe-size", "16", "--filters", "4",
                "--batch", "32", "--warmup-steps", "0", "--lr", "1e12", "--epochs", "5");
        assertEquals(1, status, err.toString());
        assertTrue(err.toString().startsWith("stopped: training diverged (preOutput has NaN or infinite values (shape [64, 64])) at step ")
                || err.toString().startsWith("stopped: loss became NaN at step "), err.toString());
        assertTrue(err.toString().contains("try a lower --lr"), err.toString());
    }

    /** {@code --write-data} writes the split a run trains and evaluates on, in the layout {@code --data-dir} reads back. */
    @Test
    void writtenDataReadsBackAsTheSameImages() throws Exception {
        Path data = dir.resolve("data");
        assertEquals(0, run(dir.resolve("unused"), "--write-data", data.toString()));
        var files = dev.dl4jlosses.examples.images.ImageFiles.load(data);
        var generated = ProceduralShapes.generate(192 + 64, 16, 42);
        assertEquals(192, files.train().size());
        assertEquals(64, files.test().size());
        assertTrue(files.train().images().sub(generated.slice(0, 192).images()).amaxNumber().doubleValue() <= 0.5 / 255 + 1e-6,
                "pixels rounded to bytes");
        assertEquals(generated.slice(192, 256).labels(), files.test().labels());
    }

    @Test
    void badSettingsEndWithAClearMessage() {
        StringWriter err = new StringWriter();
        CommandLine cli = ExamplesCli.commandLine().setErr(new PrintWriter(err));
        assertEquals(2, run(cli, dir, "--loss", "infonce", "--front", "dl4j"));
        assertTrue(err.toString().contains("--loss infonce needs --front samediff"), err.toString());
        assertEquals(2, run(cli, dir, "--front", "pytorch"));
        assertTrue(err.toString().contains("--front must be dl4j or samediff; got pytorch"), err.toString());
        assertEquals(2, run(cli, dir, "--resume"));
        assertTrue(err.toString().contains("no checkpoint"), err.toString());
        assertEquals(2, run(cli, dir, "--hard-negatives", "topk"));
        assertTrue(err.toString().contains("--hard-negatives topk is not topk:K, fraction:F or threshold:T"), err.toString());
        assertEquals(2, run(cli, dir, "--loss", "circle", "--hard-negatives", "topk:3"));
        assertTrue(err.toString().contains("not to circle"), err.toString());
        assertEquals(2, run(cli, dir, "--epochs", "0", "--weight-decay", "-1"));
        assertTrue(err.toString().contains("--epochs must be >= 1, got 0; --weight-decay must be >= 0, got -1.0"), err.toString());
        assertEquals(2, run(cli, dir, "--steps", "5", "--epochs", "2"));
        assertTrue(err.toString().contains("give --steps or --epochs, not both"), err.toString());
        assertEquals(2, run(cli, dir, "--flip", "sometimes"));
        assertTrue(err.toString().contains("--flip must be auto, on or off; got sometimes"), err.toString());
        assertEquals(2, run(cli, dir, "--loss", "circle", "--temperature", "0.1"));
        assertTrue(err.toString().contains("--temperature does not apply to --loss circle"), err.toString());
        assertEquals(2, run(cli, dir, "--front", "samediff", "--chunk", "16"));
        assertTrue(err.toString().contains("--chunk needs --front dl4j"), err.toString());
        assertEquals(2, run(cli, dir, "--chunk", "0"));
        assertTrue(err.toString().contains("--chunk must be >= 1, got 0"), err.toString());
        assertEquals(2, cli.execute("simclr-image", "--out", dir.toString(), "--image-size", "16", "--train-size", "100", "--test-size", "10"));
        assertTrue(err.toString().contains("--batch 128 is larger than the 100 training images"), err.toString());
    }
}
