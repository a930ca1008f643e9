package dev.dl4jlosses.examples.images;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The readers on small MNIST IDX and CIFAR-10 binary files written here byte by byte. */
class ImageFilesTest {

    @TempDir
    Path dir;

    /** Pixel (i, r, c) of image i: chosen so that values above 127 (negative as Java bytes) occur. */
    private static int pixel(int image, int row, int col) {
        return (image * 37 + row * 11 + col * 5) % 256;
    }

    private static byte[] idxImages(int count, int rows, int cols) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(0x00000803);
            out.writeInt(count);
            out.writeInt(rows);
            out.writeInt(cols);
            for (int i = 0; i < count; i++) {
                for (int r = 0; r < rows; r++) {
                    for (int c = 0; c < cols; c++) {
                        out.writeByte(pixel(i, r, c));
                    }
                }
            }
        }
        return bytes.toByteArray();
    }

    private static byte[] idxLabels(int... labels) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(0x00000801);
            out.writeInt(labels.length);
            for (int label : labels) {
                out.writeByte(label);
            }
        }
        return bytes.toByteArray();
    }

    private static void write(Path file, byte[] content, boolean gzip) throws IOException {
        try (OutputStream out = gzip ? new GZIPOutputStream(Files.newOutputStream(file)) : Files.newOutputStream(file)) {
            out.write(content);
        }
    }

    /** The four MNIST files, named {@code train-images-idx3-ubyte} or, with {@code dotted}, {@code train-images.idx3-ubyte}. */
    private void writeMnist(Path into, boolean gzip, boolean dotted) throws IOException {
        String idx = dotted ? "." : "-";
        String gz = gzip ? ".gz" : "";
        write(into.resolve("train-images" + idx + "idx3-ubyte" + gz), idxImages(3, 4, 5), gzip);
        write(into.resolve("train-labels" + idx + "idx1-ubyte" + gz), idxLabels(7, 0, 9), gzip);
        write(into.resolve("t10k-images" + idx + "idx3-ubyte" + gz), idxImages(2, 4, 5), gzip);
        write(into.resolve("t10k-labels" + idx + "idx1-ubyte" + gz), idxLabels(3, 1), gzip);
    }

    private static void assertMnist(TrainTestImages data) {
        assertArrayEquals(new long[]{3, 1, 4, 5}, data.train().images().shape());
        assertArrayEquals(new long[]{2, 1, 4, 5}, data.test().images().shape());
        assertArrayEquals(new int[]{7, 0, 9}, data.train().labels().toIntVector());
        assertArrayEquals(new int[]{3, 1}, data.test().labels().toIntVector());
        for (int[] at : new int[][]{{0, 0, 0}, {2, 3, 4}, {1, 2, 1}}) {
            assertEquals(pixel(at[0], at[1], at[2]) / 255.0, data.train().images().getDouble(at[0], 0, at[1], at[2]), 1e-6);
        }
        assertEquals(10, data.train().numClasses());
        assertFalse(data.train().flipInvariant(), "digits are not mirror-symmetric");
    }

    @Test
    void readsPlainMnist() throws IOException {
        writeMnist(dir, false, false);
        assertMnist(ImageFiles.load(dir));
    }

    @Test
    void readsGzippedMnistWithDottedNamesInASubdirectory() throws IOException {
        Path sub = Files.createDirectory(dir.resolve("mnist"));
        writeMnist(sub, true, true);
        assertMnist(ImageFiles.load(dir));
    }

    @Test
    void readsCifar10Batches() throws IOException {
        int record = 1 + 3 * 32 * 32;
        for (String name : new String[]{"data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin", "test_batch.bin"}) {
            byte[] bytes = new byte[2 * record];
            for (int image = 0; image < 2; image++) {
                bytes[image * record] = (byte) (name.length() % 10 + image);
                for (int p = 1; p < record; p++) {
                    bytes[image * record + p] = (byte) ((p * 7 + image) % 256);
                }
            }
            write(dir.resolve(name), bytes, false);
        }
        TrainTestImages data = ImageFiles.load(dir);
        assertArrayEquals(new long[]{10, 3, 32, 32}, data.train().images().shape());
        assertArrayEquals(new long[]{2, 3, 32, 32}, data.test().images().shape());
        assertEquals(("data_batch_1.bin".length() % 10) + 1, data.train().labels().getInt(1));
        // channel-major records: red plane, then green, then blue, each row by row
        int channel = 2, row = 31, col = 30;
        int p = 1 + channel * 1024 + row * 32 + col;
        assertEquals(((p * 7 + 1) % 256) / 255.0, data.test().images().getDouble(1, channel, row, col), 1e-6);
        assertTrue(data.train().flipInvariant());
    }

    @Test
    void namesTheProblemOfBadFiles() throws IOException {
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> ImageFiles.load(dir));
        assertTrue(none.getMessage().contains("neither the MNIST IDX files"), none.getMessage());

        writeMnist(dir, false, false);
        byte[] truncated = idxImages(3, 4, 5);
        write(dir.resolve("train-images-idx3-ubyte"), java.util.Arrays.copyOf(truncated, truncated.length - 1), false);
        IllegalArgumentException shortFile = assertThrows(IllegalArgumentException.class, () -> ImageFiles.load(dir));
        assertTrue(shortFile.getMessage().contains("train-images-idx3-ubyte") && shortFile.getMessage().contains("truncated"), shortFile.getMessage());

        write(dir.resolve("train-images-idx3-ubyte"), idxLabels(1, 2, 3), false);
        IllegalArgumentException magic = assertThrows(IllegalArgumentException.class, () -> ImageFiles.load(dir));
        assertTrue(magic.getMessage().contains("magic number"), magic.getMessage());

        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> ImageFiles.load(dir.resolve("nowhere")));
        assertTrue(missing.getMessage().contains("not a directory"), missing.getMessage());
    }
}
