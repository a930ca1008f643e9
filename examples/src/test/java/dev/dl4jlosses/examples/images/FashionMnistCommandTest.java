package dev.dl4jlosses.examples.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.StringJoiner;

import dev.dl4jlosses.examples.ExamplesCli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import picocli.CommandLine;

/** The npm package's JSON layout, made up here (10 classes of a few rows, two of them malformed), through the converter into IDX and back. */
class FashionMnistCommandTest {

    @TempDir
    Path dir;

    /** Every pixel of row {@code row} of class {@code label}: a value that identifies both (and exceeds 127 for some). */
    private static int value(int label, int row) {
        return (label * 50 + row * 7) % 256;
    }

    private static String row(int label, int row) {
        StringJoiner values = new StringJoiner(",", "[", "]");
        for (int i = 0; i < FashionMnistCommand.PIXELS; i++) {
            values.add(Integer.toString(value(label, row)));
        }
        return values.toString();
    }

    /** Class files of {@code rows} valid rows each; class 0 also has an empty row (as the real package does) and one out of range. */
    private Path writePackage(int rows) throws IOException {
        Path clothes = Files.createDirectories(dir.resolve("package/src/clothes"));
        for (int label = 0; label < FashionMnistCommand.CLASSES; label++) {
            List<String> entries = new ArrayList<>();
            for (int r = 0; r < rows; r++) {
                entries.add(row(label, r));
                if (label == 0 && r == 1) {
                    entries.add("[]");
                    entries.add(row(0, 99).replaceFirst("\\[\\d+", "[300"));
                }
            }
            Files.writeString(clothes.resolve(label + ".json"), "{\"data\":[" + String.join(",", entries) + "]}");
        }
        return dir.resolve("package");
    }

    @Test
    void splitsEachClassIntoLeadingTrainingAndTrailingTestImages() throws IOException {
        Path pkg = writePackage(5);
        Path out = dir.resolve("idx");
        StringWriter err = new StringWriter();
        PrintStream stderr = System.err;
        ByteArrayOutputStream warnings = new ByteArrayOutputStream();
        System.setErr(new PrintStream(warnings, true, StandardCharsets.UTF_8));
        int exit;
        try {
            CommandLine cli = ExamplesCli.commandLine();
            cli.setErr(new PrintWriter(err));
            exit = cli.execute("fashion-mnist", "--package", pkg.toString(), "--out", out.toString(),
                    "--train-per-class", "3", "--test-per-class", "2");
        } finally {
            System.setErr(stderr);
        }
        assertEquals(0, exit, err.toString());
        String warned = warnings.toString(StandardCharsets.UTF_8);
        assertTrue(warned.contains("skipping row 2: it has 0 values instead of 784"), warned);
        assertTrue(warned.contains("skipping row 3: value 300 at position 0 is not an integer in 0..255"), warned);

        TrainTestImages data = ImageFiles.load(out);
        assertEquals(30, data.train().size());
        assertEquals("Ankle boot", data.train().classNames()[9], "class names from classes.txt");
        assertEquals(20, data.test().size());
        assertEquals(Set.of(0, 1, 2), rowsSeen(data.train()));
        assertEquals(Set.of(3, 4), rowsSeen(data.test()));
        int[] labels = data.train().labels().toIntVector();
        int changes = 0;
        for (int i = 1; i < labels.length; i++) {
            changes += labels[i] != labels[i - 1] ? 1 : 0;
        }
        assertTrue(changes > 10, "the training split is shuffled, not grouped by class: " + java.util.Arrays.toString(labels));
    }

    /** Which row numbers of their class file the images came from, checking that every pixel belongs to its label's row. */
    private static Set<Integer> rowsSeen(ImageSet images) {
        Set<Integer> rows = new HashSet<>();
        for (int i = 0; i < images.size(); i++) {
            INDArray image = images.images().get(org.nd4j.linalg.indexing.NDArrayIndex.point(i));
            int label = images.labels().getInt(i);
            double pixel = image.getDouble(0, 0, 0) * 255;
            assertEquals(pixel, image.maxNumber().doubleValue() * 255, 1e-3, "image " + i + " is uniform");
            assertEquals(pixel, image.minNumber().doubleValue() * 255, 1e-3, "image " + i + " is uniform");
            int row = -1;
            for (int r = 0; r < 10; r++) {
                if (Math.abs(value(label, r) - pixel) < 1e-3) {
                    row = r;
                }
            }
            assertTrue(row >= 0, "image " + i + " (label " + label + ", value " + pixel + ") is one of its class's rows");
            rows.add(row);
        }
        return rows;
    }

    @Test
    void namesTheMissingFileAndTooShortClasses() throws IOException {
        Path pkg = writePackage(3);
        StringWriter err = new StringWriter();
        CommandLine cli = ExamplesCli.commandLine();
        cli.setErr(new PrintWriter(err));
        assertEquals(2, cli.execute("fashion-mnist", "--package", pkg.toString(), "--out", dir.resolve("a").toString()));
        assertTrue(err.toString().contains("0.json has 3 valid images; 6000 training + 1000 test images were asked for"), err.toString());

        StringWriter missing = new StringWriter();
        cli.setErr(new PrintWriter(missing));
        assertEquals(2, cli.execute("fashion-mnist", "--package", dir.resolve("nowhere").toString(), "--out", dir.resolve("b").toString()));
        assertTrue(missing.toString().contains("0.json is missing"), missing.toString());
    }
}
