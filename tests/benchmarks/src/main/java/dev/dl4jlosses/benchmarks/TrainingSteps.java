package dev.dl4jlosses.benchmarks;

import java.util.NoSuchElementException;

import dev.dl4jlosses.examples.simclr.BatchNormStatistics;
import dev.dl4jlosses.examples.simclr.Encoder;
import dev.dl4jlosses.examples.simclr.LossChoice;
import dev.dl4jlosses.lossfunctions.LossNTXent;
import dev.dl4jlosses.samediff.SDContrastive;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.dataset.api.MultiDataSetPreProcessor;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.weightinit.impl.XavierInitScheme;

/**
 * The networks {@link TrainingStepBenchmark} trains, float32, Adam, no weight decay, fixed random inputs (the same
 * batch every step; no data pipeline, no augmentation):
 * <ul>
 *   <li>a layer: one dense {@code d → d} layer (identity activation) whose output is NT-Xent's input (τ = 0.5), on
 *       {@code [B, d]} Gaussian rows with SimCLR's ids (rows i and i + B/2 are two views of example i);</li>
 *   <li>the simclr-image network ({@link Encoder}: two conv blocks, the projection head; 1×28×28 images, 32 filters,
 *       head 256, projection 64, the example's defaults) on {@code 2N} uniform random views, NT-Xent τ = 0.2 as the
 *       example builds it on each front ({@link LossChoice#NTXENT}), the SameDiff graph with the example's
 *       batch-norm running averages ({@link BatchNormStatistics}).</li>
 * </ul>
 */
final class TrainingSteps {

    static final double LAYER_TEMPERATURE = 0.5;
    static final double SIMCLR_TEMPERATURE = 0.2;
    static final double LAYER_LEARNING_RATE = 1e-3;
    static final double SIMCLR_LEARNING_RATE = 2e-3;
    static final Encoder SIMCLR_NETWORK = new Encoder(1, 28, 28, 32, 256, 64);
    private static final long SEED = 42;

    private TrainingSteps() {
    }

    /** {@code [rows, 1]} float ids 0..rows/2-1 twice: SimCLR's layout of two views. */
    static INDArray twoViewIds(int rows) {
        return Nd4j.arange(0, rows).castTo(DataType.FLOAT).fmod(rows / 2).reshape(rows, 1);
    }

    /** Gaussian {@code [batch, width]} rows and their two-view ids. */
    static DataSet layerBatch(int batch, int width) {
        Nd4j.getRandom().setSeed(SEED);
        return new DataSet(Nd4j.randn(DataType.FLOAT, batch, width), twoViewIds(batch));
    }

    /** {@code 2·images} uniform random 1×28×28 views and their image ids. */
    static DataSet simclrBatch(int images) {
        Nd4j.getRandom().setSeed(SEED);
        Encoder e = SIMCLR_NETWORK;
        return new DataSet(Nd4j.rand(DataType.FLOAT, 2L * images, e.channels(), e.height(), e.width()), twoViewIds(2 * images));
    }

    static MultiLayerNetwork dl4jLayer(int width) {
        var conf = new NeuralNetConfiguration.Builder().seed(SEED).dataType(DataType.FLOAT)
                .updater(new Adam(LAYER_LEARNING_RATE)).weightInit(WeightInit.XAVIER).list()
                .layer(new OutputLayer.Builder(new LossNTXent(LAYER_TEMPERATURE)).nIn(width).nOut(width)
                        .activation(Activation.IDENTITY).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    /**
     * The same layer as a SameDiff graph: placeholder {@code x [-1, d]}, {@code z = x·W + b}, then
     * {@code SDContrastive.ntXent} on z with the ids (placeholder {@code ids}), or, with {@code twoViews},
     * {@code SDContrastive.simClr} on z's two halves (no ids: the layout is the graph's).
     */
    static SameDiff sameDiffLayer(int width, boolean twoViews) {
        SameDiff sd = SameDiff.create();
        SDVariable x = sd.placeHolder("x", DataType.FLOAT, -1, width);
        SDVariable w = sd.var("w", new XavierInitScheme('c', width, width), DataType.FLOAT, width, width);
        SDVariable b = sd.var("b", Nd4j.zeros(DataType.FLOAT, 1, width));
        SDVariable z = x.mmul(w).add(b);
        SDContrastive losses = new SDContrastive(sd);
        TrainingConfig.Builder config = TrainingConfig.builder().updater(new Adam(LAYER_LEARNING_RATE)).dataSetFeatureMapping("x");
        if (twoViews) {
            SDVariable[] views = sd.split(z, 2, 0);
            losses.simClr("loss", views[0], views[1], LAYER_TEMPERATURE);
            config.markLabelsUnused();
        } else {
            losses.ntXent("loss", z, sd.placeHolder("ids", DataType.FLOAT, -1, 1), LAYER_TEMPERATURE);
            config.dataSetLabelMapping("ids");
        }
        sd.setTrainingConfig(config.build());
        return sd;
    }

    /** What {@link #sameDiffLayer} with {@code twoViews} trains on: the rows alone. */
    static MultiDataSet featuresOnly(DataSet batch) {
        return new MultiDataSet(new INDArray[] {batch.getFeatures()}, new INDArray[0]);
    }

    static MultiLayerNetwork dl4jSimclr() {
        return SIMCLR_NETWORK.dl4jNetwork(LossChoice.NTXENT.dl4j(SIMCLR_TEMPERATURE, null), new Adam(SIMCLR_LEARNING_RATE), 0, SEED);
    }

    /** The example's SameDiff training graph (as its SameDiff front builds it), initialised randomly. */
    static SameDiff sameDiffSimclr() {
        SameDiff sd = SameDiff.create();
        SDVariable z = SIMCLR_NETWORK.defineSameDiff(sd, true, true, DataType.FLOAT);
        SDVariable labels = sd.placeHolder("labels", DataType.FLOAT, -1, 1);
        LossChoice.NTXENT.sameDiff(sd, "loss", z, labels, SIMCLR_TEMPERATURE, null);
        sd.setTrainingConfig(TrainingConfig.builder().updater(new Adam(SIMCLR_LEARNING_RATE))
                .dataSetFeatureMapping(Encoder.INPUT).dataSetLabelMapping("labels").build());
        sd.addListeners(new BatchNormStatistics());
        return sd;
    }

    /**
     * The same batch {@code steps} times, for one {@code sd.fit} call over several steps (M2.1 creates a training
     * session, and with it the array cache, per {@code fit} call). Not asynchronous: nothing to prefetch.
     */
    static final class RepeatedBatch implements MultiDataSetIterator {

        private final org.nd4j.linalg.dataset.api.MultiDataSet batch;
        private final int steps;
        private int served;

        RepeatedBatch(org.nd4j.linalg.dataset.api.MultiDataSet batch, int steps) {
            this.batch = batch;
            this.steps = steps;
        }

        @Override
        public boolean hasNext() {
            return served < steps;
        }

        @Override
        public org.nd4j.linalg.dataset.api.MultiDataSet next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            served++;
            return batch;
        }

        @Override
        public org.nd4j.linalg.dataset.api.MultiDataSet next(int num) {
            throw new UnsupportedOperationException("one batch per step");
        }

        @Override
        public void setPreProcessor(MultiDataSetPreProcessor preProcessor) {
            throw new UnsupportedOperationException("no pre-processing");
        }

        @Override
        public MultiDataSetPreProcessor getPreProcessor() {
            return null;
        }

        @Override
        public boolean resetSupported() {
            return true;
        }

        @Override
        public boolean asyncSupported() {
            return false;
        }

        @Override
        public void reset() {
            served = 0;
        }
    }
}
