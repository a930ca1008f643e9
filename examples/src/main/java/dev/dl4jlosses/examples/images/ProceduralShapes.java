package dev.dl4jlosses.examples.images;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The embedded default dataset: grey-scale glyphs of ten shape classes, each rendered with a random position, scale,
 * rotation, stroke width, intensity, background and noise, so that the class is in the shape and not in any single
 * pixel statistic. Rendered in batches as ND4J ops on a coordinate grid (anti-aliased with a sigmoid edge), so
 * generating 10,000 images takes about a second and needs no file.
 */
public final class ProceduralShapes {

    public static final String[] CLASSES = {"ring", "disk", "square", "block", "plus", "cross", "triangle", "bars",
            "double-ring", "corner"};
    private static final int CHUNK = 2000;
    private static final double MAX_ROTATION = Math.toRadians(15);

    private ProceduralShapes() {
    }

    /** {@code count} images of {@code side × side} pixels, classes in rotation 0..9, reproducible from {@code seed}. */
    public static ImageSet generate(int count, int side, long seed) {
        if (count < 1 || side < 8) {
            throw new IllegalArgumentException("need at least one image of at least 8x8 pixels; got " + count + " of " + side + "x" + side);
        }
        Nd4j.getRandom().setSeed(seed);
        INDArray images = Nd4j.create(DataType.FLOAT, count, 1, side, side);
        int[] labels = new int[count];
        for (int i = 0; i < count; i++) {
            labels[i] = i % CLASSES.length;
        }
        for (int from = 0; from < count; from += CHUNK) {
            int n = Math.min(CHUNK, count - from);
            INDArray classes = Nd4j.createFromArray(java.util.Arrays.copyOfRange(labels, from, from + n)).reshape(n, 1);
            images.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(from, from + n)).assign(render(classes, side).reshape(n, 1, side, side));
        }
        return new ImageSet(images, Nd4j.createFromArray(labels), CLASSES, "procedural shapes (" + count + " images, seed " + seed + ")", true);
    }

    private static INDArray render(INDArray classes, int side) {
        long n = classes.rows();
        INDArray grid = Nd4j.linspace(-1 + 1.0 / side, 1 - 1.0 / side, side, DataType.FLOAT);
        INDArray x = Nd4j.tile(grid.reshape(1, side), side, 1).reshape(1, (long) side * side);
        INDArray y = Nd4j.tile(grid.reshape(side, 1), 1, side).reshape(1, (long) side * side);

        INDArray scale = uniform(n, 0.45, 0.8);
        INDArray maxShift = scale.rsub(0.95).muli(0.7);
        INDArray cx = uniform(n, -1, 1).muli(maxShift);
        INDArray cy = uniform(n, -1, 1).muli(maxShift);
        INDArray angle = uniform(n, -MAX_ROTATION, MAX_ROTATION);
        INDArray cos = Transforms.cos(angle);
        INDArray sin = Transforms.sin(angle);
        INDArray pixel = scale.rdiv(2.0 / side);                              // one pixel in shape units
        INDArray stroke = uniform(n, 1.2, 2.6).muli(pixel).muli(0.5);        // half stroke width
        INDArray edge = pixel.mul(0.5);                                       // sigmoid softness: half a pixel

        INDArray dx = x.sub(cx);
        INDArray dy = y.sub(cy);
        INDArray u = dx.mul(cos).addi(dy.mul(sin)).divi(scale);
        INDArray v = dy.mul(cos).subi(dx.mul(sin)).divi(scale);
        Shapes s = new Shapes(u, v, stroke, edge);

        INDArray ink = Nd4j.zeros(DataType.FLOAT, n, (long) side * side);
        for (int k = 0; k < CLASSES.length; k++) {
            INDArray isClass = classes.eq(k).castTo(DataType.FLOAT);
            if (isClass.sumNumber().doubleValue() > 0) {
                ink.addi(s.shape(k).muli(isClass));
            }
        }
        INDArray background = uniform(n, 0.0, 0.25);
        INDArray foreground = uniform(n, 0.6, 1.0);
        INDArray noise = Nd4j.randn(DataType.FLOAT, n, (long) side * side).muli(uniform(n, 0.02, 0.08));
        INDArray image = ink.muli(foreground.sub(background)).addi(background).addi(noise);
        return Transforms.min(Transforms.max(image, 0.0, false), 1.0, false);
    }

    private static INDArray uniform(long n, double low, double high) {
        return Nd4j.rand(DataType.FLOAT, n, 1).muli(high - low).addi(low);
    }

    /** Anti-aliased glyphs in shape coordinates ({@code u, v} in [-1, 1] span the glyph). */
    private record Shapes(INDArray u, INDArray v, INDArray stroke, INDArray edge) {

        INDArray shape(int k) {
            INDArray rho = Transforms.sqrt(u.mul(u).addi(v.mul(v)));
            INDArray box = Transforms.max(Transforms.abs(u), Transforms.abs(v));
            return switch (k) {
                case 0 -> band(rho.sub(1));
                case 1 -> inside(rho.sub(1));
                case 2 -> band(box.sub(1));
                case 3 -> inside(box.sub(1));
                case 4 -> plus(u, v);
                case 5 -> plus(u.add(v).muli(Math.sqrt(0.5)), v.sub(u).muli(Math.sqrt(0.5)));
                case 6 -> band(Transforms.max(v.neg().subi(0.5), Transforms.abs(u).muli(0.866).addi(v.mul(0.5)).subi(0.5)).muli(1.5));
                case 7 -> Transforms.max(Transforms.max(bar(v.sub(0.65), u), bar(v, u)), bar(v.add(0.65), u));
                case 8 -> Transforms.max(band(rho.sub(1)), band(rho.sub(0.45)));
                case 9 -> Transforms.max(bar(u.add(0.8), v), bar(v.sub(0.8), u));
                default -> throw new IllegalStateException("no shape " + k);
            };
        }

        /** A stroke along the curve {@code d = 0}. */
        private INDArray band(INDArray d) {
            return Transforms.sigmoid(stroke.sub(Transforms.abs(d)).divi(edge), false);
        }

        /** The region {@code d < 0}. */
        private INDArray inside(INDArray d) {
            return Transforms.sigmoid(d.neg().divi(edge), false);
        }

        /** A straight stroke along {@code across = 0}, from {@code along = -1} to {@code 1}. */
        private INDArray bar(INDArray across, INDArray along) {
            return band(across).muli(inside(Transforms.abs(along).subi(1)));
        }

        private INDArray plus(INDArray a, INDArray b) {
            return Transforms.max(bar(a, b), bar(b, a));
        }
    }
}
