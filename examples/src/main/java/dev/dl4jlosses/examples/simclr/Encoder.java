package dev.dl4jlosses.examples.simclr;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Pooling2DConfig;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.weightinit.impl.ZeroInitScheme;

/**
 * The SimCLR encoder and projection head, defined once and built for either front. Encoder: two blocks of a 3×3
 * convolution ({@code filters}, then {@code 2·filters} channels), 2×2 max pooling, batch normalisation and ReLU, then
 * the head's first layer. The representation {@code h} is the flattened maps ({@code 2·filters · H/4 · W/4} values)
 * side by side with that first head layer's {@code headDim} outputs: max pooling and flattened maps keep the spatial
 * layout that tells clothes apart (global average pooling discards it), the dense layer carries what the loss
 * trained for shape invariance, which digits need; together they beat either alone on both (README, ablation).
 * Pooling before batch norm and ReLU (ReLU commutes with max pooling) runs those two on a quarter of the values: a
 * DL4J training step 1.3× faster. Projection head: a dense layer of {@code headDim} units with batch normalisation
 * and ReLU, a ReLU dense layer of {@code headDim} and a linear layer giving {@code z}, on which the contrastive loss
 * acts. Weights start uniform in ±1/√fan-in (DL4J's {@code WeightInit.UNIFORM}, PyTorch's default for these
 * layers), biases at zero: against He-normal starts, 2.4× larger, Adam's steps of the same size move the weights
 * relatively less, and real digits read 96.81 % instead of 97.44 % (README, ablation).
 *
 * <p>The DL4J and SameDiff versions hold the same parameters under the same names ({@code "<layer>_W"},
 * {@code "<layer>_b"}, {@code "<layer>_gamma"}, {@code "<layer>_beta"}, {@code "<layer>_mean"}, {@code "<layer>_var"}),
 * so they convert into each other exactly. Batch normalisation uses the batch's statistics in training and running
 * averages ({@code r ← 0.9 r + 0.1 batch}, biased variance, as DL4J's layer) at inference; on the SameDiff front the
 * averages are graph constants updated by {@link BatchNormStatistics}. For export, the encoder is a DL4J
 * ComputationGraph (a MultiLayerNetwork cannot output two layers side by side) whose layers are named by their index
 * in the training network.
 */
public record Encoder(int channels, int height, int width, int filters, int headDim, int projectionDim) {

    /** Layers of the DL4J network the representation reads: the conv blocks, the flattening and the head's first layer. */
    public static final int ENCODER_LAYERS = 12;
    /** The layer that flattens the maps: its output is the first part of {@code h}. */
    static final int MAPS_LAYER = 8;
    public static final String INPUT = "images";
    public static final String FEATURES = "features";
    public static final String PROJECTION = "projection";
    static final double BN_EPS = 1e-5;
    static final double BN_DECAY = 0.9;
    /** Layer index of each block's convolution; its pooling, batch norm and ReLU follow it. */
    private static final int[] CONV_LAYERS = {0, 4};
    private static final int HEAD_LAYER = 9;
    private static final int HIDDEN_LAYER = 12;
    private static final int OUTPUT_LAYER = 13;
    private static final java.util.regex.Pattern PARAMETER_NAME = java.util.regex.Pattern.compile("\\d+_(W|b|gamma|beta|mean|var)");

    public Encoder {
        if (height % 4 != 0 || width % 4 != 0) {
            throw new IllegalArgumentException("the encoder pools twice by 2, so image sides must be multiples of 4; got "
                    + height + "x" + width);
        }
    }

    private int convChannels(int block) {
        return filters << block;
    }

    /** Size of the flattened maps of the second block. */
    long mapsDim() {
        return (long) convChannels(1) * (height / 4) * (width / 4);
    }

    /** Size of the representation h: the flattened maps and the head's first layer. */
    public long featureDim() {
        return mapsDim() + headDim;
    }

    /** The full network (encoder, head and {@code loss} on the output layer) as a DL4J MultiLayerNetwork, for training. */
    public MultiLayerNetwork dl4jNetwork(ILossFunction loss, IUpdater updater, double weightDecay, long seed) {
        return dl4jNetwork(loss, updater, weightDecay, seed, DataType.FLOAT);
    }

    /** As {@link #dl4jNetwork(ILossFunction, IUpdater, double, long)}, with parameters and activations in {@code type}. */
    public MultiLayerNetwork dl4jNetwork(ILossFunction loss, IUpdater updater, double weightDecay, long seed, DataType type) {
        var list = configuration(updater, weightDecay, seed, type).list();
        List<Layer> layers = layers(loss);
        layers.forEach(list::layer);
        // flattens the maps, so the dense layers see [n, mapsDim] rows
        list.inputPreProcessor(MAPS_LAYER, mapsFlattening());
        list.setInputType(InputType.convolutional(height, width, channels));
        MultiLayerNetwork net = new MultiLayerNetwork(list.build());
        net.init();
        return net;
    }

    /**
     * The encoder alone, for inference and export: the training network's first {@link #ENCODER_LAYERS} layers (named
     * {@code "0"}, {@code "1"}, ...) and a merge vertex {@link #FEATURES} that outputs {@code h}, the flattened maps
     * and the head's first layer side by side. Parameters are freshly initialised; {@link #copyInto} fills them.
     */
    public ComputationGraph dl4jEncoder() {
        var graph = configuration(new NoOp(), 0, 0, DataType.FLOAT).graphBuilder().addInputs(INPUT);
        List<Layer> layers = layers(null);
        String previous = INPUT;
        for (int i = 0; i < ENCODER_LAYERS; i++) {
            String name = String.valueOf(i);
            if (i == MAPS_LAYER) {
                graph.addLayer(name, layers.get(i), mapsFlattening(), previous);
            } else {
                graph.addLayer(name, layers.get(i), previous);
            }
            previous = name;
        }
        graph.addVertex(FEATURES, new MergeVertex(), String.valueOf(MAPS_LAYER), previous)
                .setOutputs(FEATURES)
                .setInputTypes(InputType.convolutional(height, width, channels));
        ComputationGraph encoderGraph = new ComputationGraph(graph.build());
        encoderGraph.init();
        return encoderGraph;
    }

    private NeuralNetConfiguration.Builder configuration(IUpdater updater, double weightDecay, long seed, DataType type) {
        return new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(type)
                .updater(updater)
                .weightDecay(weightDecay, true)
                .weightInit(WeightInit.UNIFORM)
                .convolutionMode(ConvolutionMode.Same);
    }

    /** The training network's layers in order; without a loss, only the encoder's {@link #ENCODER_LAYERS}. */
    private List<Layer> layers(ILossFunction loss) {
        List<Layer> layers = new ArrayList<>();
        for (int block = 0; block < CONV_LAYERS.length; block++) {
            layers.add(new ConvolutionLayer.Builder(3, 3).nOut(convChannels(block)).activation(Activation.IDENTITY).build());
            layers.add(new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build());
            layers.add(batchNorm());
            layers.add(new ActivationLayer(Activation.RELU));
        }
        layers.add(new ActivationLayer(Activation.IDENTITY));
        layers.add(new DenseLayer.Builder().nOut(headDim).activation(Activation.IDENTITY).build());
        layers.add(batchNorm());
        layers.add(new ActivationLayer(Activation.RELU));
        if (loss != null) {
            layers.add(new DenseLayer.Builder().nOut(headDim).activation(Activation.RELU).build());
            layers.add(new OutputLayer.Builder(loss).nOut(projectionDim).activation(Activation.IDENTITY).build());
        }
        return layers;
    }

    private CnnToFeedForwardPreProcessor mapsFlattening() {
        return new CnnToFeedForwardPreProcessor(height / 4, width / 4, convChannels(1));
    }

    private static BatchNormalization batchNorm() {
        return new BatchNormalization.Builder().eps(BN_EPS).decay(BN_DECAY).useLogStd(false).build();
    }

    /**
     * Defines the encoder (and, when {@code withHead}, the projection head) on {@code sd}, with a placeholder
     * {@link #INPUT} {@code [-1, C, H, W]} of {@code type}; returns the projection {@code z} or, without the head, the
     * features {@code h} (named {@link #FEATURES}). With {@code training}, batch normalisation uses each batch's statistics (named
     * {@link BatchNormStatistics#batchMean} / {@code batchVariance} for the listener that keeps the running averages);
     * otherwise the running averages.
     */
    public SDVariable defineSameDiff(SameDiff sd, boolean withHead, boolean training, DataType type) {
        SDVariable x = sd.placeHolder(INPUT, type, -1, channels, height, width);
        int in = channels;
        for (int block = 0; block < CONV_LAYERS.length; block++) {
            int layer = CONV_LAYERS[block];
            int out = convChannels(block);
            // [kH, kW, in, out]: M2.1's conv2d_bp ignores any other weights format
            SDVariable w = sd.var(layer + "_W", uniform(type, in * 9, 3, 3, in, out));
            SDVariable b = sd.var(layer + "_b", new ZeroInitScheme('c'), type, out);
            Conv2DConfig conv = Conv2DConfig.builder().kH(3).kW(3).sH(1).sW(1)
                    .paddingMode(PaddingMode.SAME).dataFormat(Conv2DConfig.NCHW).build();
            Pooling2DConfig pool = Pooling2DConfig.builder().kH(2).kW(2).sH(2).sW(2).paddingMode(PaddingMode.VALID)
                    .isNHWC(false).build();
            SDVariable pooled = sd.cnn.maxPooling2d(sd.cnn.conv2d(x, w, b, conv), pool);
            x = sd.nn.relu(batchNorm(sd, pooled, layer + 2, out, true, training, type), 0);
            in = out;
        }
        SDVariable maps = sd.reshape(x, -1, mapsDim());
        SDVariable head = dense(sd, maps, HEAD_LAYER, mapsDim(), headDim, type);
        SDVariable normalised = sd.nn.relu(batchNorm(sd, head, HEAD_LAYER + 1, headDim, false, training, type), 0);
        if (!withHead) {
            return sd.concat(FEATURES, 1, maps, normalised);
        }
        SDVariable hidden = sd.nn.relu(dense(sd, normalised, HIDDEN_LAYER, headDim, headDim, type), 0);
        return sd.identity(PROJECTION, dense(sd, hidden, OUTPUT_LAYER, headDim, projectionDim, type));
    }

    /**
     * {@code γ (x − μ) / sqrt(σ² + ε) + β} over the channels of {@code [n, C, H, W]} ({@code conv}) or the columns of
     * {@code [n, C]}. Composed of elementwise ops and keepDims means, whose backward M2.1 gets right (tested).
     */
    private static SDVariable batchNorm(SameDiff sd, SDVariable x, int layer, int channels, boolean conv, boolean training, DataType type) {
        long[] shape = conv ? new long[]{1, channels, 1, 1} : new long[]{1, channels};
        int[] dims = conv ? new int[]{0, 2, 3} : new int[]{0};
        SDVariable gamma = sd.var(layer + "_gamma", Nd4j.ones(type, 1, channels));
        SDVariable beta = sd.var(layer + "_beta", Nd4j.zeros(type, 1, channels));
        SDVariable runningMean = sd.constant(layer + "_mean", Nd4j.zeros(type, 1, channels));
        SDVariable runningVariance = sd.constant(layer + "_var", Nd4j.ones(type, 1, channels));
        SDVariable centred;
        SDVariable variance;
        if (training) {
            SDVariable mean = sd.mean(BatchNormStatistics.batchMean(layer), x, true, dims);
            centred = x.sub(mean);
            variance = sd.mean(BatchNormStatistics.batchVariance(layer), centred.mul(centred), true, dims);
        } else {
            centred = x.sub(sd.reshape(runningMean, shape));
            variance = sd.reshape(runningVariance, shape);
        }
        SDVariable scale = sd.math.rsqrt(variance.add(BN_EPS)).mul(sd.reshape(gamma, shape));
        return centred.mul(scale).add(sd.reshape(beta, shape));
    }

    /**
     * Weights uniform in ±1/√fanIn, as DL4J's {@code WeightInit.UNIFORM}, in {@code type}: M2.1's
     * {@code UniformInitScheme} ignores the data type it is asked for and always draws the default one.
     */
    private static INDArray uniform(DataType type, long fanIn, long... shape) {
        double bound = 1 / Math.sqrt(fanIn);
        return Nd4j.rand(type, shape).muli(2 * bound).subi(bound);
    }

    private static SDVariable dense(SameDiff sd, SDVariable in, int layer, long nIn, long nOut, DataType type) {
        SDVariable w = sd.var(layer + "_W", uniform(type, nIn, nIn, nOut));
        SDVariable b = sd.var(layer + "_b", new ZeroInitScheme('c'), type, 1, nOut);
        return in.mmul(w).add(b);
    }

    /**
     * The network's parameters of its first {@code layers} layers by name, in the SameDiff graph's layout (conv
     * weights {@code [kH, kW, in, out]}, DL4J's are {@code [out, in, kH, kW]}), batch-norm running averages included.
     */
    public static Map<String, INDArray> parameters(MultiLayerNetwork net, int layers) {
        Map<String, INDArray> params = new LinkedHashMap<>();
        net.paramTable().forEach((key, value) -> {
            if (layerOf(key) < layers) {
                params.put(key, isConvWeight(key) ? value.permute(2, 3, 1, 0).dup('c') : value);
            }
        });
        return params;
    }

    /** Copies parameters between the fronts: every SameDiff variable or constant named like a DL4J parameter gets its value. */
    public static void copyInto(SameDiff sd, Map<String, INDArray> params) {
        params.forEach((name, value) -> {
            if (sd.hasVariable(name)) {
                INDArray target = sd.getVariable(name).getArr();
                target.assign(value.reshape(target.shape()).castTo(target.dataType()));
            }
        });
    }

    /** Copies the parameters of {@code source} into those of {@code target} that have the same names (layer index and kind). */
    public static void copyInto(Model target, Model source) {
        target.paramTable().forEach((name, value) -> value.assign(source.getParam(name)));
    }

    /** Copies the SameDiff graph's values into the DL4J network's parameters of the same names (MultiLayerNetwork or ComputationGraph). */
    public static void copyInto(Model net, SameDiff sd) {
        net.paramTable().forEach((name, value) -> {
            if (sd.hasVariable(name)) {
                INDArray trained = sd.getVariable(name).getArr();
                value.assign(isConvWeight(name) ? trained.permute(3, 2, 0, 1) : trained.reshape(value.shape()));
            }
        });
    }

    /** Whether {@code name} is one of the encoder's or head's parameters or batch-norm averages (as opposed to an op output). */
    static boolean isParameter(String name) {
        return PARAMETER_NAME.matcher(name).matches();
    }

    private static int layerOf(String parameter) {
        return Integer.parseInt(parameter.substring(0, parameter.indexOf('_')));
    }

    private static boolean isConvWeight(String parameter) {
        int layer = layerOf(parameter);
        return parameter.endsWith("_W") && (layer == CONV_LAYERS[0] || layer == CONV_LAYERS[1]);
    }
}
