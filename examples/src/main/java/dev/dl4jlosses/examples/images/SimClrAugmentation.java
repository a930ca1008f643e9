package dev.dl4jlosses.examples.images;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.image.CropAndResize;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Pooling2DConfig;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * SimCLR's augmentations (Chen et al. 2020, appendix A), drawn independently per image and computed for a whole batch
 * as ND4J ops: random resized crop (with a random horizontal flip folded into the crop box), brightness, contrast and
 * saturation jitter, random grey-scale, a 3×3 blur and Gaussian noise. Randomness comes from ND4J's generator of the
 * calling thread, so a batch is reproducible from the seed set before it.
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

    private static final double MIN_ASPECT = 3.0 / 4.0;
    private static final double MAX_ASPECT = 4.0 / 3.0;

    public SimClrAugmentation {
        if (!(minCropArea > 0 && minCropArea <= 1)) {
            throw new IllegalArgumentException("minCropArea must be in (0, 1]; got " + minCropArea);
        }
    }

    /**
     * Defaults for a dataset: SimCLR's CIFAR settings for colour images (crops down to 20 % of the area, colour jitter,
     * random grey); for grey images milder crops (35 %), brightness and contrast jitter, blur and noise.
     *
     * @param flip random horizontal flips (off for digits, where a flip changes the meaning)
     */
    public static SimClrAugmentation forImages(ImageSet images, boolean flip) {
        if (images.channels() == 3) {
            return new SimClrAugmentation(0.2, flip, 0.8, 0.4, 0.4, 0.4, 0.2, 0.0, 0.0);
        }
        return new SimClrAugmentation(0.35, flip, 0.8, 0.4, 0.4, 0.0, 0.0, 0.5, 0.1);
    }

    /** Two independent views of {@code images} ({@code [n, C, H, W]}), as one {@code [2n, C, H, W]} batch. */
    public INDArray twoViews(INDArray images) {
        return Nd4j.concat(0, apply(images), apply(images));
    }

    /** One random view of each image of {@code images} ({@code [n, C, H, W]} in [0, 1]). */
    public INDArray apply(INDArray images) {
        long n = images.size(0);
        INDArray x = resizedCrop(images);
        INDArray jitter = bernoulli(n, jitterProbability);
        x = x.muli(factor(n, brightness, jitter));
        INDArray grey = grey(x);
        x = x.subi(mean(grey)).muli(factor(n, contrast, jitter)).addi(mean(grey));
        if (x.size(1) == 3) {
            x = mix(x, grey(x), factor(n, saturation, jitter).rsubi(1));
            x = mix(x, grey(x), bernoulli(n, grayscaleProbability));
        }
        if (blurProbability > 0) {
            Pooling2DConfig box = Pooling2DConfig.builder().kH(3).kW(3).sH(1).sW(1).paddingMode(PaddingMode.SAME)
                    .type(org.nd4j.linalg.api.ops.impl.layers.convolution.Pooling2D.Pooling2DType.AVG).build();
            x = mix(x, Nd4j.cnn().avgPooling2d(x, box), bernoulli(n, blurProbability));
        }
        if (maxNoise > 0) {
            x = x.addi(Nd4j.randn(DataType.FLOAT, x.shape()).muli(uniform(n, 0, maxNoise)));
        }
        return Transforms.min(Transforms.max(x, 0.0, false), 1.0, false);
    }

    /** Random-area, random-aspect crops resized back to the input size; a flip swaps the box's left and right. */
    private INDArray resizedCrop(INDArray images) {
        long n = images.size(0);
        long c = images.size(1);
        int h = (int) images.size(2);
        int w = (int) images.size(3);
        INDArray area = uniform(n, minCropArea, 1).reshape(n, 1);
        INDArray logAspect = uniform(n, Math.log(MIN_ASPECT), Math.log(MAX_ASPECT)).reshape(n, 1);
        INDArray aspect = Transforms.exp(logAspect);
        INDArray boxH = Transforms.min(Transforms.sqrt(area.div(aspect)), 1.0, false);
        INDArray boxW = Transforms.min(Transforms.sqrt(area.mul(aspect)), 1.0, false);
        INDArray top = Nd4j.rand(DataType.FLOAT, n, 1).muli(boxH.rsub(1));
        INDArray left = Nd4j.rand(DataType.FLOAT, n, 1).muli(boxW.rsub(1));
        INDArray right = left.add(boxW);
        if (flip) {
            INDArray flipped = bernoulli(n, 0.5).reshape(n, 1);
            INDArray swap = right.sub(left).muli(flipped);
            left = left.addi(swap);
            right = right.subi(swap);
        }
        INDArray boxes = Nd4j.hstack(top, left, top.add(boxH), right);
        INDArray nhwc = images.permute(0, 2, 3, 1).dup('c');
        INDArray out = Nd4j.create(DataType.FLOAT, n, h, w, c);
        Nd4j.exec(new CropAndResize(nhwc, boxes, Nd4j.arange(n).castTo(DataType.INT), Nd4j.createFromArray(h, w),
                CropAndResize.Method.BILINEAR, 0.0, out));
        return out.permute(0, 3, 1, 2).dup('c');
    }

    private static INDArray grey(INDArray x) {
        if (x.size(1) == 1) {
            return x.dup();
        }
        INDArray weights = Nd4j.createFromArray(0.299f, 0.587f, 0.114f).reshape(1, 3, 1, 1);
        return x.mul(weights).sum(true, 1);
    }

    private static INDArray mean(INDArray grey) {
        return grey.mean(true, 1, 2, 3);
    }

    /** {@code x + t (y - x)} with a per-image weight {@code t}. */
    private static INDArray mix(INDArray x, INDArray y, INDArray t) {
        return x.addi(y.sub(x).muli(t));
    }

    /** Per-image factor from [1 - spread, 1 + spread], or 1 where {@code active} is 0. */
    private static INDArray factor(long n, double spread, INDArray active) {
        return uniform(n, -spread, spread).muli(active).addi(1);
    }

    private static INDArray uniform(long n, double low, double high) {
        return Nd4j.rand(DataType.FLOAT, n, 1, 1, 1).muli(high - low).addi(low);
    }

    private static INDArray bernoulli(long n, double p) {
        return Nd4j.rand(DataType.FLOAT, n, 1, 1, 1).lt(p).castTo(DataType.FLOAT);
    }
}
