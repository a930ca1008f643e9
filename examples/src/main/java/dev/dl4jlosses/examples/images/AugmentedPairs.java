package dev.dl4jlosses.examples.images;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Batches of two augmented views per image, prepared by a background thread a few batches ahead of the trainer.
 * Every batch is a pure function of (seed, epoch, step): the epoch's shuffle and the batch's augmentation are seeded
 * from them, so a run resumed at any step sees exactly the batches of an uninterrupted one. Epochs follow each other
 * for as many steps as the run asks, the last one possibly cut short.
 */
public final class AugmentedPairs implements AutoCloseable {

    /**
     * @param views    {@code [2N, C, H, W]}: view 1 of N images, then view 2 of the same images
     * @param imageIds {@code [2N, 1]} 0..N-1 twice (SimCLR's positives)
     * @param classIds {@code [2N, 1]} the images' class labels (for supervised losses)
     */
    public record Batch(int epoch, int step, long globalStep, INDArray views, INDArray imageIds, INDArray classIds) {
    }

    private static final Object END = new Object();

    private final BlockingQueue<Object> queue;
    private final Thread producer;

    /**
     * @param imagesPerBatch N (each batch holds 2N views)
     * @param fromStep       first step to produce (0, or the step a resumed run continues with)
     * @param toStep         the step after the last one to produce
     */
    public AugmentedPairs(ImageSet data, SimClrAugmentation augmentation, int imagesPerBatch, long seed, long fromStep,
                          long toStep, int prefetch) {
        if (imagesPerBatch < 2 || imagesPerBatch > data.size()) {
            throw new IllegalArgumentException("batch of " + imagesPerBatch + " images needs 2 <= N <= " + data.size()
                    + " (the training images)");
        }
        this.queue = new ArrayBlockingQueue<>(Math.max(1, prefetch));
        this.producer = new Thread(() -> produce(data, augmentation, imagesPerBatch, seed, fromStep, toStep), "augmentation");
        producer.setDaemon(true);
        producer.start();
    }

    public static int stepsPerEpoch(long images, int imagesPerBatch) {
        return (int) (images / imagesPerBatch);
    }

    /** The next batch, or null after the last step. */
    public Batch next() throws InterruptedException {
        Object item = queue.poll(1, TimeUnit.SECONDS);
        while (item == null) {
            if (!producer.isAlive()) {
                throw new IllegalStateException("augmentation thread ended without a batch or an error");
            }
            item = queue.poll(1, TimeUnit.SECONDS);
        }
        if (item instanceof Throwable e) {
            throw new IllegalStateException("augmentation thread failed: " + e, e);
        }
        return item == END ? null : (Batch) item;
    }

    private void produce(ImageSet data, SimClrAugmentation augmentation, int n, long seed, long fromStep, long toStep) {
        try {
            int steps = stepsPerEpoch(data.size(), n);
            INDArray ids = Nd4j.arange(n).castTo(DataType.FLOAT).reshape(n, 1);
            INDArray imageIds = Nd4j.concat(0, ids, ids);
            int[] order = null;
            for (long globalStep = fromStep; globalStep < toStep; globalStep++) {
                int epoch = (int) (globalStep / steps);
                int step = (int) (globalStep % steps);
                if (order == null || step == 0) {
                    order = shuffled((int) data.size(), seed * 1_000_003L + epoch);
                }
                INDArray rows = Nd4j.createFromArray(java.util.Arrays.copyOfRange(order, step * n, (step + 1) * n));
                INDArray images = data.imagesAt(rows);
                INDArray classes = data.labelsAt(rows).castTo(DataType.FLOAT).reshape(n, 1);
                INDArray views = augmentation.twoViews(images, seed * 1_000_003L + epoch * 100_003L + step + 17);
                queue.put(new Batch(epoch, step, globalStep, views, imageIds, Nd4j.concat(0, classes, classes)));
            }
            queue.put(END);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable e) {
            // an Error too (e.g. OutOfMemoryError): the trainer must fail, not wait for a batch that never comes
            queue.clear();
            queue.offer(e);
        }
    }

    /** A Fisher-Yates shuffle of 0..n-1 (of indices, not of data). */
    private static int[] shuffled(int n, long seed) {
        java.util.Random random = new java.util.Random(seed);
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    @Override
    public void close() {
        producer.interrupt();
    }
}
