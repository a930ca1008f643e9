package dev.dl4jlosses.examples.images;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.ops.NDBase;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Labelled images in memory.
 *
 * @param images     {@code [N, C, H, W]} float in [0, 1] (DL4J's NCHW layout)
 * @param labels     {@code [N]} int class ids
 * @param classNames one name per class id
 * @param source     where the images came from, for reports
 */
public record ImageSet(INDArray images, INDArray labels, String[] classNames, String source, boolean flipInvariant) {

    public ImageSet {
        if (images.rank() != 4 || labels.rank() != 1 || labels.length() != images.size(0)) {
            throw new IllegalArgumentException("images must be [N, C, H, W] with one label each; got images "
                    + java.util.Arrays.toString(images.shape()) + " and labels " + java.util.Arrays.toString(labels.shape()));
        }
    }

    public long size() {
        return images.size(0);
    }

    public int channels() {
        return (int) images.size(1);
    }

    public int height() {
        return (int) images.size(2);
    }

    public int width() {
        return (int) images.size(3);
    }

    public int numClasses() {
        return classNames.length;
    }

    /** Rows {@code [from, to)}. */
    public ImageSet slice(long from, long to) {
        return new ImageSet(images.get(NDArrayIndex.interval(from, to)).dup(), labels.get(NDArrayIndex.interval(from, to)).dup(),
                classNames, source, flipInvariant);
    }

    /** The first {@code n} rows (all when {@code n} is at least the size). */
    public ImageSet head(long n) {
        return n >= size() ? this : slice(0, n);
    }

    /** Images of the given rows, in that order. */
    public INDArray imagesAt(INDArray rows) {
        return new NDBase().gather(images, rows, 0);
    }

    /** Labels of the given rows, in that order. */
    public INDArray labelsAt(INDArray rows) {
        return new NDBase().gather(labels, rows, 0);
    }
}
