package dev.dl4jlosses.examples.images;

import java.util.SplittableRandom;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * SimCLR's augmentations (Chen et al. 2020, appendix A), drawn independently per image: random resized crop (with a
 * random horizontal flip folded into the crop box), brightness, contrast and saturation jitter, random grey-scale, a
 * 3×3 blur and Gaussian noise. Randomness comes from a {@link SplittableRandom} seeded by the caller, so a batch is a
 * pure function of its images and seed.
 *
 * <p>Written as plain loops over each image's pixels, on the augmentation thread: for the example's small images
 * this takes a few milliseconds per batch, where the same work as some forty ND4J ops on the whole batch took
 * 200 ms and, worse, competed with the training thread for the two cores through OpenMP's spinning workers
 * (README, "Speed").
 *
 * @param minCropArea          smallest crop, as a fraction of the image area (SimCLR: 0.08 on ImageNet)
 * @param flip                 random horizontal flips (off for digits, where a flip changes the meaning)
 * @param jitterProbability    probability of applying the colour jitter to an image
 * @param brightness           brightness factor drawn from [1 - b, 1 + b]
 * @param contrast             contrast factor drawn from [1 - c, 1 + c]
 * @param saturation           saturation factor drawn from [1 - s, 1 + s] (colour images)
 * @param grayscaleProbability probability of converting an image to grey (colour images)
 * @param blurProbability      probability of a 3×3 box blur
 * @param maxNoise             Gaussian noise with a standard deviation drawn from [0, maxNoise]
 */
public record SimClrAugmentation(double minCropArea, boolean flip, double jitterProbability, double brightness,
                                 double contrast, double saturation, double grayscaleProbability,
                                 double blurProbability, double maxNoise) {

    private static final double LOG_MIN_ASPECT = Math.log(3.0 / 4.0);
    private static final double LOG_MAX_ASPECT = Math.log(4.0 / 3.0);
    private static final float[] LUMA = {0.299f, 0.587f, 0.114f};

    public SimClrAugmentation {
        if (!(minCropArea > 0 && minCropArea <= 1)) {
            throw new IllegalArgumentException("minCropArea must be in (0, 1]; got " + minCropArea);
        }
    }

    /**
     * Defaults for a dataset: SimCLR's CIFAR settings for colour images (crops down to 20 % of the area, colour jitter,
     * random grey); for grey images milder crops (35 %) with brightness and contrast jitter, and no blur or noise
     * (on Fashion-MNIST both cost a point of linear-probe accuracy: README, ablation).
     *
     * @param flip random horizontal flips (off for digits, where a flip changes the meaning)
     */
    public static SimClrAugmentation forImages(ImageSet images, boolean flip) {
        if (images.channels() == 3) {
            return new SimClrAugmentation(0.2, flip, 0.8, 0.4, 0.4, 0.4, 0.2, 0.0, 0.0);
        }
        return new SimClrAugmentation(0.35, flip, 0.8, 0.4, 0.4, 0.0, 0.0, 0.0, 0.0);
    }

    /** Two independent views of {@code images} ({@code [n, C, H, W]}), as one {@code [2n, C, H, W]} batch: view 1 of all, then view 2. */
    public INDArray twoViews(INDArray images, long seed) {
        return augment(images, 2, new SplittableRandom(seed));
    }

    /** One random view of each image of {@code images} ({@code [n, C, H, W]} in [0, 1]). */
    public INDArray apply(INDArray images, long seed) {
        return augment(images, 1, new SplittableRandom(seed));
    }

    private INDArray augment(INDArray images, int views, SplittableRandom random) {
        if (images.rank() != 4) {
            throw new IllegalArgumentException("images must be [n, C, H, W]; got " + java.util.Arrays.toString(images.shape()));
        }
        int n = (int) images.size(0);
        int c = (int) images.size(1);
        int h = (int) images.size(2);
        int w = (int) images.size(3);
        int size = c * h * w;
        float[] in = images.castTo(DataType.FLOAT).dup('c').data().asFloat();
        float[] out = new float[views * n * size];
        float[] scratch = new float[size];
        for (int v = 0; v < views; v++) {
            for (int i = 0; i < n; i++) {
                view(in, i * size, out, (v * n + i) * size, scratch, c, h, w, random);
            }
        }
        return Nd4j.create(out, new long[]{(long) views * n, c, h, w}, 'c');
    }

    /** One augmented view of the image at {@code from} in {@code in}, written at {@code to} in {@code out}. */
    private void view(float[] in, int from, float[] out, int to, float[] scratch, int c, int h, int w, SplittableRandom random) {
        int plane = h * w;
        double area = minCropArea + (1 - minCropArea) * random.nextDouble();
        double aspect = Math.exp(LOG_MIN_ASPECT + (LOG_MAX_ASPECT - LOG_MIN_ASPECT) * random.nextDouble());
        double boxH = Math.min(Math.sqrt(area / aspect), 1);
        double boxW = Math.min(Math.sqrt(area * aspect), 1);
        double top = random.nextDouble() * (1 - boxH);
        double left = random.nextDouble() * (1 - boxW);
        double right = left + boxW;
        if (flip && random.nextDouble() < 0.5) {
            double swap = left;
            left = right;
            right = swap;
        }
        boolean jitter = random.nextDouble() < jitterProbability;
        double brightnessFactor = factor(random, brightness, jitter);
        double contrastFactor = factor(random, contrast, jitter);
        double saturationFactor = factor(random, saturation, jitter);
        boolean toGrey = c == 3 && random.nextDouble() < grayscaleProbability;
        boolean blur = blurProbability > 0 && random.nextDouble() < blurProbability;
        double noise = maxNoise > 0 ? maxNoise * random.nextDouble() : 0;

        resizedCrop(in, from, out, to, c, h, w, top, top + boxH, left, right);
        double greyMean = 0;
        for (int p = 0; p < plane; p++) {
            greyMean += grey(out, to, p, plane, c) * brightnessFactor;
        }
        greyMean /= plane;
        for (int k = 0; k < c * plane; k++) {
            out[to + k] = (float) ((out[to + k] * brightnessFactor - greyMean) * contrastFactor + greyMean);
        }
        if (c == 3) {
            for (int p = 0; p < plane; p++) {
                float g = grey(out, to, p, plane, c);
                for (int ch = 0; ch < 3; ch++) {
                    int k = to + ch * plane + p;
                    out[k] = toGrey ? g : (float) (g + saturationFactor * (out[k] - g));
                }
            }
        }
        if (blur) {
            boxBlur(out, to, scratch, c, h, w);
        }
        for (int k = 0; k < c * plane; k++) {
            double value = out[to + k] + (noise > 0 ? noise * random.nextGaussian() : 0);
            out[to + k] = (float) Math.min(1, Math.max(0, value));
        }
    }

    /**
     * Bilinear resampling of the box (fractions of the image: rows {@code y1..y2}, columns {@code x1..x2}, which may
     * run right to left) to the full size, as TensorFlow's {@code crop_and_resize}: corner pixels sampled exactly.
     */
    private static void resizedCrop(float[] in, int from, float[] out, int to, int c, int h, int w,
                                    double y1, double y2, double x1, double x2) {
        for (int y = 0; y < h; y++) {
            double sy = (y1 + (h > 1 ? y * (y2 - y1) / (h - 1) : 0.5 * (y2 - y1))) * (h - 1);
            int y0 = (int) Math.floor(sy);
            int yn = Math.min(y0 + 1, h - 1);
            double fy = sy - y0;
            for (int x = 0; x < w; x++) {
                double sx = (x1 + (w > 1 ? x * (x2 - x1) / (w - 1) : 0.5 * (x2 - x1))) * (w - 1);
                int x0 = (int) Math.floor(sx);
                int xn = Math.min(x0 + 1, w - 1);
                double fx = sx - x0;
                for (int ch = 0; ch < c; ch++) {
                    int base = from + ch * h * w;
                    double upper = in[base + y0 * w + x0] * (1 - fx) + in[base + y0 * w + xn] * fx;
                    double lower = in[base + yn * w + x0] * (1 - fx) + in[base + yn * w + xn] * fx;
                    out[to + ch * h * w + y * w + x] = (float) (upper * (1 - fy) + lower * fy);
                }
            }
        }
    }

    /** Mean of each pixel's 3×3 neighbourhood, counting only neighbours inside the image. */
    private static void boxBlur(float[] image, int at, float[] scratch, int c, int h, int w) {
        for (int ch = 0; ch < c; ch++) {
            int base = at + ch * h * w;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    double sum = 0;
                    int count = 0;
                    for (int dy = Math.max(0, y - 1); dy <= Math.min(h - 1, y + 1); dy++) {
                        for (int dx = Math.max(0, x - 1); dx <= Math.min(w - 1, x + 1); dx++) {
                            sum += image[base + dy * w + dx];
                            count++;
                        }
                    }
                    scratch[y * w + x] = (float) (sum / count);
                }
            }
            System.arraycopy(scratch, 0, image, base, h * w);
        }
    }

    private static float grey(float[] image, int at, int pixel, int plane, int channels) {
        if (channels == 1) {
            return image[at + pixel];
        }
        return LUMA[0] * image[at + pixel] + LUMA[1] * image[at + plane + pixel] + LUMA[2] * image[at + 2 * plane + pixel];
    }

    /** A factor from [1 - spread, 1 + spread], or 1 when the jitter is off for this image. */
    private static double factor(SplittableRandom random, double spread, boolean active) {
        double draw = (2 * random.nextDouble() - 1) * spread;
        return active ? 1 + draw : 1;
    }
}
