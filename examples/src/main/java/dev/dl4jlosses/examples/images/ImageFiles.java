package dev.dl4jlosses.examples.images;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Finds and reads the standard MNIST IDX files or CIFAR-10 binary batches in a directory. */
public final class ImageFiles {

    private static final String[] MNIST_FILES = {"train-images-idx3-ubyte", "train-labels-idx1-ubyte",
            "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"};
    private static final String[] CIFAR_CLASSES = {"airplane", "automobile", "bird", "cat", "deer", "dog", "frog",
            "horse", "ship", "truck"};
    /** Optional file of class names next to IDX files. */
    public static final String CLASS_NAMES = "classes.txt";
    private static final int CIFAR_SIDE = 32;
    private static final int CIFAR_RECORD = 1 + 3 * CIFAR_SIDE * CIFAR_SIDE;

    private ImageFiles() {
    }

    /**
     * Reads MNIST (the four IDX files, gzipped or not, names with {@code -idx} or {@code .idx}) or CIFAR-10
     * ({@code data_batch_1..5.bin} and {@code test_batch.bin}) from {@code dir} or its immediate subdirectories.
     */
    public static TrainTestImages load(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("--data-dir " + dir + " is not a directory");
        }
        List<Path> candidates = new ArrayList<>(List.of(dir));
        try (var children = Files.list(dir)) {
            children.filter(Files::isDirectory).sorted().forEach(candidates::add);
        }
        for (Path candidate : candidates) {
            Path[] mnist = mnistFiles(candidate);
            if (mnist != null) {
                INDArray trainLabels = idxLabels(mnist[1]);
                INDArray testLabels = idxLabels(mnist[3]);
                String[] names = classNames(candidate, Math.max(trainLabels.maxNumber().intValue(), testLabels.maxNumber().intValue()) + 1);
                String source = "IDX images (" + candidate + ")";
                return new TrainTestImages(new ImageSet(idxImages(mnist[0]), trainLabels, names, source, false),
                        new ImageSet(idxImages(mnist[2]), testLabels, names, source, false));
            }
            if (Files.isRegularFile(candidate.resolve("data_batch_1.bin")) && Files.isRegularFile(candidate.resolve("test_batch.bin"))) {
                return cifar10(candidate);
            }
        }
        throw new IllegalArgumentException("--data-dir " + dir + " holds neither the MNIST IDX files (" + String.join(", ", MNIST_FILES)
                + ", optionally .gz) nor CIFAR-10's binary batches (data_batch_1.bin ... data_batch_5.bin, test_batch.bin)");
    }

    /**
     * Writes {@code data} in the layout {@link #load} reads: grey images as the four gzipped MNIST IDX files, 32×32
     * colour images as CIFAR-10's five training batches and test batch. Pixels are rounded to bytes.
     */
    public static void write(TrainTestImages data, Path dir) throws IOException {
        Files.createDirectories(dir);
        ImageSet train = data.train();
        if (train.channels() == 1) {
            writeIdx(train, dir.resolve(MNIST_FILES[0] + ".gz"), dir.resolve(MNIST_FILES[1] + ".gz"));
            writeIdx(data.test(), dir.resolve(MNIST_FILES[2] + ".gz"), dir.resolve(MNIST_FILES[3] + ".gz"));
        } else if (train.channels() == 3 && train.height() == CIFAR_SIDE && train.width() == CIFAR_SIDE && train.size() >= 5) {
            long per = (train.size() + 4) / 5;
            for (int b = 0; b < 5; b++) {
                writeCifar(train.slice(Math.min(train.size(), b * per), Math.min(train.size(), (b + 1) * per)), dir.resolve("data_batch_" + (b + 1) + ".bin"));
            }
            writeCifar(data.test(), dir.resolve("test_batch.bin"));
        } else {
            throw new IllegalArgumentException("only grey images (as MNIST IDX files) and at least 5 colour images of 32x32 (as CIFAR-10 "
                    + "batches) can be written; got " + train.size() + " images of " + train.channels() + "x" + train.height() + "x" + train.width());
        }
    }

    private static void writeIdx(ImageSet images, Path imageFile, Path labelFile) throws IOException {
        try (var pixels = new java.io.DataOutputStream(new java.util.zip.GZIPOutputStream(Files.newOutputStream(imageFile)));
             var labels = new java.io.DataOutputStream(new java.util.zip.GZIPOutputStream(Files.newOutputStream(labelFile)))) {
            pixels.writeInt(0x00000803);
            pixels.writeInt((int) images.size());
            pixels.writeInt(images.height());
            pixels.writeInt(images.width());
            pixels.write(bytes(images.images().mul(255)));
            labels.writeInt(0x00000801);
            labels.writeInt((int) images.size());
            labels.write(bytes(images.labels()));
        }
    }

    private static void writeCifar(ImageSet images, Path file) throws IOException {
        INDArray records = Nd4j.hstack(images.labels().reshape(images.size(), 1).castTo(DataType.FLOAT),
                images.images().reshape(images.size(), CIFAR_RECORD - 1).mul(255));
        Files.write(file, bytes(records));
    }

    /** Values rounded to unsigned bytes, in row-major order. */
    private static byte[] bytes(INDArray values) {
        INDArray rounded = org.nd4j.linalg.ops.transforms.Transforms.round(values.castTo(DataType.FLOAT), true);
        return rounded.castTo(DataType.UBYTE).dup('c').data().asBytes();
    }

    /**
     * The class names in {@code classes.txt} next to IDX files (one per line, in label order; the fashion-mnist command
     * writes one), else the label numbers.
     */
    private static String[] classNames(Path dir, int classes) throws IOException {
        Path file = dir.resolve(CLASS_NAMES);
        if (!Files.isRegularFile(file)) {
            return java.util.stream.IntStream.range(0, classes).mapToObj(Integer::toString).toArray(String[]::new);
        }
        List<String> names = Files.readAllLines(file).stream().map(String::strip).filter(n -> !n.isEmpty()).toList();
        if (names.size() < classes) {
            throw new IllegalArgumentException(file + " names " + names.size() + " classes but the labels go up to " + (classes - 1));
        }
        return names.toArray(String[]::new);
    }

    private static Path[] mnistFiles(Path dir) {
        Path[] found = new Path[MNIST_FILES.length];
        for (int i = 0; i < MNIST_FILES.length; i++) {
            for (String name : List.of(MNIST_FILES[i], MNIST_FILES[i].replace("-idx", ".idx"))) {
                for (String suffix : List.of("", ".gz")) {
                    Path p = dir.resolve(name + suffix);
                    if (found[i] == null && Files.isRegularFile(p)) {
                        found[i] = p;
                    }
                }
            }
            if (found[i] == null) {
                return null;
            }
        }
        return found;
    }

    static INDArray idxImages(Path file) throws IOException {
        byte[] bytes = readAll(file);
        int[] header = idxHeader(file, bytes, 0x00000803, 3);
        int count = header[0];
        int rows = header[1];
        int cols = header[2];
        long expected = 16L + (long) count * rows * cols;
        requireLength(file, bytes, expected);
        return unsignedBytes(bytes, 16, count * rows * cols).reshape(count, 1, rows, cols).divi(255.0);
    }

    static INDArray idxLabels(Path file) throws IOException {
        byte[] bytes = readAll(file);
        int count = idxHeader(file, bytes, 0x00000801, 1)[0];
        requireLength(file, bytes, 8L + count);
        return unsignedBytes(bytes, 8, count).castTo(DataType.INT);
    }

    private static TrainTestImages cifar10(Path dir) throws IOException {
        List<INDArray> trainImages = new ArrayList<>();
        List<INDArray> trainLabels = new ArrayList<>();
        for (int b = 1; b <= 5; b++) {
            Path batch = dir.resolve("data_batch_" + b + ".bin");
            if (!Files.isRegularFile(batch)) {
                throw new IllegalArgumentException("CIFAR-10 directory " + dir + " is missing " + batch.getFileName());
            }
            INDArray[] parsed = cifarBatch(batch);
            trainImages.add(parsed[0]);
            trainLabels.add(parsed[1]);
        }
        INDArray[] test = cifarBatch(dir.resolve("test_batch.bin"));
        String source = "CIFAR-10 (" + dir + ")";
        return new TrainTestImages(
                new ImageSet(Nd4j.concat(0, trainImages.toArray(INDArray[]::new)), Nd4j.concat(0, trainLabels.toArray(INDArray[]::new)),
                        CIFAR_CLASSES, source, true),
                new ImageSet(test[0], test[1], CIFAR_CLASSES, source, true));
    }

    private static INDArray[] cifarBatch(Path file) throws IOException {
        byte[] bytes = readAll(file);
        if (bytes.length == 0 || bytes.length % CIFAR_RECORD != 0) {
            throw new IllegalArgumentException("CIFAR-10 batch " + file + " has " + bytes.length
                    + " bytes, not a multiple of the record size " + CIFAR_RECORD + " (1 label byte + 3x32x32 pixels)");
        }
        int count = bytes.length / CIFAR_RECORD;
        INDArray records = unsignedBytes(bytes, 0, bytes.length).reshape(count, CIFAR_RECORD);
        INDArray labels = records.getColumn(0).castTo(DataType.INT);
        INDArray images = records.get(org.nd4j.linalg.indexing.NDArrayIndex.all(),
                        org.nd4j.linalg.indexing.NDArrayIndex.interval(1, CIFAR_RECORD))
                .dup().reshape(count, 3, CIFAR_SIDE, CIFAR_SIDE).divi(255.0);
        if (labels.maxNumber().intValue() >= CIFAR_CLASSES.length) {
            throw new IllegalArgumentException("CIFAR-10 batch " + file + " has label " + labels.maxNumber().intValue()
                    + "; CIFAR-10 labels are 0..9 (is this a CIFAR-100 file?)");
        }
        return new INDArray[]{images, labels};
    }

    /** Bytes as unsigned values in float32, converted by ND4J (no per-byte Java loop). */
    private static INDArray unsignedBytes(byte[] bytes, int offset, int length) {
        byte[] slice = offset == 0 && length == bytes.length ? bytes : java.util.Arrays.copyOfRange(bytes, offset, offset + length);
        INDArray signed = Nd4j.createFromArray(slice).castTo(DataType.FLOAT);
        return signed.addi(signed.lt(0).castTo(DataType.FLOAT).muli(256));
    }

    private static int[] idxHeader(Path file, byte[] bytes, int magic, int dims) {
        if (bytes.length < 4 + 4 * dims || readInt(bytes, 0) != magic) {
            throw new IllegalArgumentException(file + " is not an IDX file with " + dims + " dimension(s) (magic number "
                    + String.format("0x%08x", magic) + " expected)");
        }
        int[] sizes = new int[dims];
        for (int i = 0; i < dims; i++) {
            sizes[i] = readInt(bytes, 4 + 4 * i);
        }
        return sizes;
    }

    private static void requireLength(Path file, byte[] bytes, long expected) {
        if (bytes.length != expected) {
            throw new IllegalArgumentException(file + " has " + bytes.length + " bytes but its header announces " + expected
                    + " (truncated download?)");
        }
    }

    private static int readInt(byte[] b, int at) {
        return ((b[at] & 0xff) << 24) | ((b[at + 1] & 0xff) << 16) | ((b[at + 2] & 0xff) << 8) | (b[at + 3] & 0xff);
    }

    private static byte[] readAll(Path file) throws IOException {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file));
             InputStream in = file.getFileName().toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw) {
            return in.readAllBytes();
        }
    }
}
