package dev.dl4jlosses.examples.images;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

class SimClrAugmentationTest {

    private static final ImageSet SHAPES = ProceduralShapes.generate(40, 16, 3);

    private static INDArray views(SimClrAugmentation augmentation, INDArray images, long seed) {
        return augmentation.twoViews(images, seed);
    }

    @Test
    void twoViewsPerImageInRangeReproducibleFromTheSeed() {
        SimClrAugmentation augmentation = SimClrAugmentation.forImages(SHAPES, true);
        INDArray a = views(augmentation, SHAPES.images(), 5);
        assertArrayEquals(new long[]{80, 1, 16, 16}, a.shape());
        assertTrue(a.minNumber().doubleValue() >= 0 && a.maxNumber().doubleValue() <= 1);
        assertEquals(a, views(augmentation, SHAPES.images(), 5));
        INDArray other = views(augmentation, SHAPES.images(), 6);
        assertTrue(a.sub(other).amaxNumber().doubleValue() > 0.1, "another seed gives other views");
        INDArray first = a.get(NDArrayIndex.interval(0, 40));
        INDArray second = a.get(NDArrayIndex.interval(40, 80));
        assertTrue(first.sub(second).amaxNumber().doubleValue() > 0.1, "the two views of an image differ");
    }

    @Test
    void colourImagesKeepTheirChannelsAndFlipsMirror() {
        INDArray ramp = Nd4j.linspace(0, 1, 8, org.nd4j.linalg.api.buffer.DataType.FLOAT).reshape(1, 1, 1, 8).broadcast(16, 3, 8, 8).dup();
        ImageSet colour = new ImageSet(ramp, Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.INT, 16), new String[]{"ramp"}, "test", true);
        SimClrAugmentation flipOnly = new SimClrAugmentation(1.0, true, 0, 0, 0, 0, 0, 0, 0);
        assertEquals(3, SimClrAugmentation.forImages(colour, true).apply(ramp, 2).size(1));
        INDArray out = flipOnly.apply(colour.images(), 1);
        // crops of the whole area (aspect still random): each image is either the ramp or the mirrored ramp, and among 16 both occur
        int mirrored = 0;
        for (int i = 0; i < 16; i++) {
            INDArray row = out.get(NDArrayIndex.point(i), NDArrayIndex.point(0), NDArrayIndex.point(0), NDArrayIndex.all());
            boolean increasing = row.getDouble(7) > row.getDouble(0);
            mirrored += increasing ? 0 : 1;
            assertTrue(Math.abs(row.getDouble(7) - row.getDouble(0)) > 0.5, "a crop of at least 3/4 of the ramp keeps its slope");
        }
        assertTrue(mirrored > 0 && mirrored < 16, "expected some flipped and some unflipped among 16 images; flipped: " + mirrored);
    }
}
