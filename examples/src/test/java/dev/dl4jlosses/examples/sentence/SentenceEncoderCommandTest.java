package dev.dl4jlosses.examples.sentence;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import dev.dl4jlosses.examples.ExamplesCli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.shade.jackson.databind.JsonNode;
import picocli.CommandLine;

/** The exported encoder, short runs of {@code sentence-encoder}, {@code embed} and {@code similar}, and bad inputs. */
class SentenceEncoderCommandTest {

    private static final String[] TINY = {"--train-size", "256", "--eval-size", "40", "--batch", "32", "--dim", "16", "--heads", "2",
            "--ffn", "32", "--projection-dim", "16", "--max-tokens", "20", "--buckets", "256", "--warmup-epochs", "0", "--lexical-buckets", "64"};

    @TempDir
    Path dir;

    @Test
    void exportedGraphReproducesTheTrainingGraphAndHoldsNoTrainingNodes() throws Exception {
        ParaphraseCorpus.Splits corpus = ParaphraseCorpus.generate(96, 16, 0, 5);
        List<String> text = new ArrayList<>();
        corpus.train().forEach(p -> text.addAll(List.of(p.anchor(), p.positive(), p.negative())));
        Vocabulary vocabulary = Vocabulary.build(text, 1, 64, 3, 4, 20);
        SentenceEncoder encoder = SentenceEncoder.forVocabulary(vocabulary, 16, 2, 32, 8);
        Nd4j.getRandom().setSeed(11);
        SentenceTrainer trainer = SentenceTrainer.create(encoder, vocabulary, true, 0.1, true, 0, 0.2, new Adam(1e-2));
        List<String> heldOut = corpus.heldOut().stream().map(ParaphraseCorpus.Pair::anchor).toList();
        INDArray before = trainer.embed(heldOut);
        for (int step = 0; step < 3; step++) {
            assertTrue(Double.isFinite(trainer.fit(corpus.train().subList(32 * step, 32 * step + 32), null)));
        }
        INDArray trained = trainer.embed(heldOut);
        assertTrue(trained.sub(before).amaxNumber().doubleValue() > 1e-3, "training changed the encoder");
        assertTrue(trained.equalsWithEps(trainer.embed(heldOut), 0), "dropout is off when embedding");

        new ExportedEncoder(trainer.inferenceGraph(), vocabulary).save(dir);
        ExportedEncoder reloaded = ExportedEncoder.load(dir);
        INDArray exported = reloaded.embed(heldOut);
        assertArrayEquals(trained.shape(), exported.shape());
        assertTrue(trained.equalsWithEps(exported, 1e-5), "exported " + exported + " vs in training " + trained);

        SameDiff graph = SameDiff.fromFlatFile(dir.resolve(ExportedEncoder.GRAPH).toFile());
        List<String> names = new ArrayList<>(graph.getVariables().keySet());
        names.addAll(graph.getOps().keySet());
        List<String> training = names.stream().filter(n -> n.contains(SentenceTrainer.LOSS) || n.contains(SentenceTrainer.LOGIT_SCALE)
                || n.contains("drop") || n.contains(SentenceTrainer.ANCHOR) || n.contains(SentenceTrainer.POSITIVE)
                || n.contains(SentenceTrainer.NEGATIVE) || n.toLowerCase().contains("adam") || n.toLowerCase().contains("grad")).toList();
        assertEquals(List.of(), training, "loss, optimizer, dropout or training-branch nodes in the export");
        assertTrue(graph.getTrainingConfig() == null && graph.getLossVariables().isEmpty(), "no training configuration or loss");
        assertEquals(List.of(TokenBatch.tokensInput(SentenceEncoder.TOKENS), TokenBatch.wordsInput(SentenceEncoder.TOKENS)),
                graph.inputs().stream().sorted().toList());
        long weights = graph.variables().stream().filter(v -> v.getVariableType() == VariableType.VARIABLE).count();
        assertEquals(22, weights, "the encoder's weights only");
    }

    @Test
    void trainsOnTsvPairsThenEmbedAndSimilarUseTheExport() throws Exception {
        ParaphraseCorpus.Splits corpus = ParaphraseCorpus.generate(256, 40, 40, 9);
        Path pairs = write("pairs.tsv", corpus.train().stream().map(p -> p.anchor() + "\t" + p.positive() + "\t" + p.negative()).toList());
        Path eval = write("eval.tsv", corpus.heldOut().stream().map(p -> p.anchor() + "\t" + p.positive()).toList());
        Path sts = write("sts.tsv", corpus.sts().stream().map(p -> p.first() + "\t" + p.second() + "\t" + p.score()).toList());
        Path out = dir.resolve("run");
        Result run = runTiny(out, "--pairs", pairs.toString(), "--eval-pairs", eval.toString(),
                "--sts", sts.toString(), "--epochs", "2", "--min-count", "1");
        assertEquals(0, run.code(), run.err());
        assertTrue(run.out().contains("hard negatives") && run.out().contains("recall@1"), run.out());
        JsonNode metrics = TrainingState.JSON.readTree(out.resolve("metrics.json").toFile());
        assertEquals(14, metrics.get("steps").asInt(), "2 epochs of (256 - 25 validation pairs) / 32 steps");
        assertTrue(run.out().contains("n-gram share of the lexical cosine on 25 validation pairs")
                && run.out().contains("dense weight on 25 validation pairs"), run.out());
        assertTrue(Files.isRegularFile(out.resolve(ExportedEncoder.LEXICAL)), "the lexical channel is exported");
        for (String method : new String[]{"encoder", "lexical", "dense", "tfidf", "bm25"}) {
            double recall = metrics.get("retrieval").get(method).get("recallAt10").asDouble();
            assertTrue(recall > 0 && recall <= 1, method + " recall@10 " + recall);
            assertTrue(Double.isFinite(metrics.get("stsSpearman").get(method).asDouble()), method);
        }
        // the loss itself is checked against the fused cosines in LexicalChannelTest; here: training ran and moved the mix
        assertTrue(Double.isFinite(metrics.get("finalLoss").asDouble()), metrics.toString());
        assertTrue(Math.abs(metrics.get("learntDenseWeight").asDouble() - 0.5) > 1e-4, metrics.toString());
        assertTrue(metrics.get("bestStep").asInt() >= 0 && metrics.get("bestStep").asInt() <= 14, metrics.toString());

        List<String> sentences = corpus.heldOut().stream().map(ParaphraseCorpus.Pair::positive).toList();
        Path input = write("sentences.txt", sentences);
        Path npy = dir.resolve("embeddings.npy");
        assertEquals(0, run("embed", "--model", out.toString(), "--input", input.toString(), "--output", npy.toString()).code());
        INDArray fromNpy = Nd4j.createFromNpyFile(npy.toFile());
        INDArray expected = ExportedEncoder.load(out).embed(sentences);
        assertTrue(expected.equalsWithEps(fromNpy.castTo(DataType.FLOAT), 1e-6), "npy holds the embeddings");

        Result tsv = runWithStdin(String.join("\n", sentences.subList(0, 3)) + "\n", "embed", "--model", out.toString());
        assertEquals(0, tsv.code(), tsv.err());
        String[] lines = tsv.out().strip().split("\n");
        assertEquals(3, lines.length);
        assertEquals(64 + 64 + 16, lines[1].split("\t").length, "lexical words, n-grams, dense");
        assertEquals(expected.getFloat(1, 5), Float.parseFloat(lines[1].split("\t")[5]), 1e-6);

        Result similar = run("similar", "--model", out.toString(), "--file", input.toString(), "--query", sentences.get(7), "--top", "3");
        assertEquals(0, similar.code(), similar.err());
        String[] neighbours = similar.out().strip().split("\n");
        assertEquals(3, neighbours.length);
        assertTrue(neighbours[0].endsWith("\t" + sentences.get(7)), "the query itself is its nearest neighbour: " + similar.out());
        assertEquals(1.0, Double.parseDouble(neighbours[0].split("\t")[0]), 1e-4);
    }

    /** Also with the options whose state lives in the checkpoint: the memory queue and the learnable temperature. */
    @ParameterizedTest
    @CsvSource({"''", "--queue 48 --queue-start-epoch 0 --no-hard-negatives --learnable-temperature --lexical none --encoder transformer"})
    void resumedRunEqualsUninterruptedRun(String options) throws Exception {
        Path whole = dir.resolve("whole");
        Path parts = dir.resolve("parts");
        List<String> args = new ArrayList<>(List.of("--epochs", "2"));
        if (!options.isEmpty()) {
            args.addAll(List.of(options.split(" ")));
        }
        Result first = runTiny(whole, args.toArray(String[]::new));
        assertEquals(0, first.code(), first.err());
        assertTrue(first.out().contains(options.isEmpty() ? "with hard negatives" : "memory queue 48"), first.out());
        args.addAll(List.of("--stop-after-epochs", "1"));
        assertEquals(0, runTiny(parts, args.toArray(String[]::new)).code());
        assertFalse(Files.exists(parts.resolve(ExportedEncoder.GRAPH)), "stopped before the export");
        args.set(args.size() - 2, "--resume");
        args.remove(args.size() - 1);
        Result resumed = runTiny(parts, args.toArray(String[]::new));
        assertEquals(0, resumed.code(), resumed.err());
        assertTrue(resumed.out().contains("resuming after epoch 1 of 2"), resumed.out());
        assertEquals(TrainingState.read(whole.resolve("checkpoint/state.json")).losses(), TrainingState.read(parts.resolve("checkpoint/state.json")).losses());

        args.addAll(List.of("--lr", "1e-2"));
        Result changed = runTiny(parts, args.toArray(String[]::new));
        assertEquals(2, changed.code());
        assertTrue(changed.err().contains("different settings"), changed.err());
    }

    @Test
    void aQueueThatNeverStartsLeavesTrainingUnchanged() throws Exception {
        Path plain = dir.resolve("plain");
        Path idle = dir.resolve("idle");
        assertEquals(0, runTiny(plain, "--epochs", "1", "--no-hard-negatives", "--lexical", "none").code());
        assertEquals(0, runTiny(idle, "--epochs", "1", "--no-hard-negatives", "--lexical", "none", "--queue", "48", "--queue-start-epoch", "1").code());
        List<Double> losses = TrainingState.read(plain.resolve("checkpoint/state.json")).losses();
        List<Double> withIdleQueue = TrainingState.read(idle.resolve("checkpoint/state.json")).losses();
        assertEquals(8, losses.size());
        for (int i = 0; i < losses.size(); i++) {
            // float rounding only: the empty queue's slots are masked, but they change the order of the sums
            assertEquals(losses.get(i), withIdleQueue.get(i), 1e-5 * losses.get(i), "step " + (i + 1));
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--sentences | first sentence\\n\\nthird sentence | sentences.txt line 2: empty sentence",
        "--pairs | a doctor\\tthe physician\\nonly one column | pairs.tsv line 2: 1 column, expected anchor<TAB>positive",
        "--pairs | a\\tb\\tc\\nd\\te | pairs.tsv line 2: 2 columns, but line 1 has 3",
        "--pairs | a\\t   \\tc | pairs.tsv line 1: empty column 2",
        "--sts | one\\ttwo\\tthree | sts.tsv line 1: score 'three' is not a number",
    })
    void badInputsNameTheFileAndLine(String option, String content, String message) throws Exception {
        String name = message.substring(0, message.indexOf(' '));
        Path file = dir.resolve(name);
        Files.writeString(file, content.replace("\\n", "\n").replace("\\t", "\t"));
        Result result = runTiny(dir.resolve("bad"), option, file.toString());
        assertEquals(2, result.code(), result.out());
        assertTrue(result.err().contains("error: " + dir + java.io.File.separator + message), result.err());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--encoder lstm | --encoder: unknown value 'lstm'; expected one of [bag, transformer]",
        "--lexical idf | --lexical: unknown value 'idf'; expected one of [tfidf, bm25] or none",
        "--grams 5-3 | --grams must be MIN-MAX with 1 <= MIN <= MAX",
        "--gram-share half | --gram-share must be a number in [0, 1] or auto; got 'half'",
        "--steps 10 --epochs 2 | give --epochs or --steps, not both",
        "--validation -1 | --validation must be >= 0",
        "--dense-weight 1 | the initial dense weight must be strictly between 0 and 1; got 1.0",
    })
    void badSettingsAreNamed(String options, String message) {
        Result result = runTiny(dir.resolve("bad"), options.split(" "));
        assertEquals(2, result.code(), result.out());
        assertTrue(result.err().contains(message), result.err());
    }

    @Test
    void unknownFilesAreNamed() throws Exception {
        Path missing = dir.resolve("missing.tsv");
        Result training = runTiny(dir.resolve("bad"), "--pairs", missing.toString());
        assertEquals(2, training.code());
        assertTrue(training.err().contains(missing + ": no such file"), training.err());
        Result embed = run("embed", "--model", dir.resolve("nothing").toString(), "--input", missing.toString());
        assertEquals(2, embed.code());
        assertTrue(embed.err().contains(missing + ": no such file"), embed.err());
        Path input = write("in.txt", List.of("a sentence"));
        Result noModel = run("embed", "--model", dir.resolve("nothing").toString(), "--input", input.toString());
        assertEquals(2, noModel.code());
        assertTrue(noModel.err().contains(dir.resolve("nothing").resolve(ExportedEncoder.GRAPH) + ": no such file"), noModel.err());
    }

    private record Result(int code, String out, String err) {
    }

    private Path write(String name, List<String> lines) throws Exception {
        return Files.write(dir.resolve(name), lines, StandardCharsets.UTF_8);
    }

    private static Result runTiny(Path out, String... extra) {
        List<String> args = new ArrayList<>(List.of("sentence-encoder", "--out", out.toString()));
        args.addAll(List.of(TINY));
        args.addAll(List.of(extra));
        return run(args.toArray(String[]::new));
    }

    private static Result runWithStdin(String stdin, String... args) {
        var original = System.in;
        System.setIn(new java.io.ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
        try {
            return run(args);
        } finally {
            System.setIn(original);
        }
    }

    /** Runs the CLI in-process, capturing System.out (the commands print there) and picocli's error stream. */
    private static Result run(String... args) {
        CommandLine cli = ExamplesCli.commandLine();
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err));
        PrintStream original = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            int code = cli.execute(args);
            return new Result(code, out.toString(StandardCharsets.UTF_8).lines()
                    .filter(l -> !l.startsWith("Added differentiated op")).collect(Collectors.joining("\n")), err.toString());
        } finally {
            System.setOut(original);
        }
    }
}
