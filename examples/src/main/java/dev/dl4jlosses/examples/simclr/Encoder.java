package dev.dl4jlosses.examples.simclr;

import java.util.LinkedHashMap;
import java.util.Map;

import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.weightinit.impl.ReluInitScheme;
import org.nd4j.weightinit.impl.ZeroInitScheme;

/**
 * The SimCLR encoder and projection head, defined once and built for either front: three 3×3 ReLU convolutions
 * ({@code width}, {@code 2·width}, {@code 4·width} channels; the last two with stride 2) and global average pooling
 * give the representation {@code h} ({@code 4·width} features); the projection head is a ReLU dense layer and a
 * linear layer giving {@code z}, on which the contrastive loss acts. The DL4J and SameDiff versions hold the same
 * parameters under the same names, so they convert into each other exactly.
 */
public record Encoder(int channels, int height, int width, int filters, int projectionHidden, int projectionDim) {

    /** Layers of the DL4J network that make up the encoder (the rest is the projection head). */
    public static final int ENCODER_LAYERS = 4;
    public static final String INPUT = "images";
    public static final String FEATURES = "features";
    public static final String PROJECTION = "projection";
    private static final int[] CONV_STRIDES = {1, 2, 2};

    public int featureDim() {
        return 4 * filters;
    }

    private int convChannels(int layer) {
        return filters << layer;
    }

    /**
     * The full network (encoder, head and {@code loss} on the output layer) as a DL4J MultiLayerNetwork, or with
     * {@code loss == null} the encoder alone (for inference).
     */
    public MultiLayerNetwork dl4jNetwork(ILossFunction loss, IUpdater updater, double weightDecay, long seed) {
        var list = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .updater(updater)
                .weightDecay(weightDecay, true)
                .weightInit(WeightInit.RELU)
                .convolutionMode(ConvolutionMode.Same)
                .list();
        for (int layer = 0; layer < CONV_STRIDES.length; layer++) {
            list.layer(new ConvolutionLayer.Builder(3, 3).stride(CONV_STRIDES[layer], CONV_STRIDES[layer])
                    .nOut(convChannels(layer)).activation(Activation.RELU).build());
        }
        list.layer(new GlobalPoolingLayer.Builder(PoolingType.AVG).build());
        if (loss != null) {
            list.layer(new DenseLayer.Builder().nOut(projectionHidden).activation(Activation.RELU).build())
                    .layer(new OutputLayer.Builder(loss).nOut(projectionDim).activation(Activation.IDENTITY).build());
        }
        list.setInputType(InputType.convolutional(height, width, channels));
        MultiLayerNetwork net = new MultiLayerNetwork(list.build());
        net.init();
        return net;
    }

    /**
     * Defines the encoder (and, when {@code withHead}, the projection head) on {@code sd}, with a placeholder
     * {@link #INPUT} {@code [-1, C, H, W]}; returns the projection {@code z} or, without the head, the features {@code h}.
     */
    public SDVariable defineSameDiff(SameDiff sd, boolean withHead) {
        SDVariable x = sd.placeHolder(INPUT, DataType.FLOAT, -1, channels, height, width);
        int in = channels;
        for (int layer = 0; layer < CONV_STRIDES.length; layer++) {
            int out = convChannels(layer);
            // [kH, kW, in, out]: M2.1's conv2d_bp ignores any other weights format
            SDVariable w = sd.var(layer + "_W", new ReluInitScheme('c', in * 9), DataType.FLOAT, 3, 3, in, out);
            SDVariable b = sd.var(layer + "_b", new ZeroInitScheme('c'), DataType.FLOAT, out);
            Conv2DConfig conv = Conv2DConfig.builder().kH(3).kW(3).sH(CONV_STRIDES[layer]).sW(CONV_STRIDES[layer])
                    .paddingMode(PaddingMode.SAME).dataFormat(Conv2DConfig.NCHW).build();
            x = sd.nn.relu(sd.cnn.conv2d(x, w, b, conv), 0);
            in = out;
        }
        // keepDims: M2.1's backward of a reduction without keepDims fails
        SDVariable features = sd.reshape(FEATURES, x.mean(true, 2, 3), -1, featureDim());
        if (!withHead) {
            return features;
        }
        SDVariable hidden = sd.nn.relu(dense(sd, features, ENCODER_LAYERS, featureDim(), projectionHidden), 0);
        return sd.identity(PROJECTION, dense(sd, hidden, ENCODER_LAYERS + 1, projectionHidden, projectionDim));
    }

    private static SDVariable dense(SameDiff sd, SDVariable in, int layer, int nIn, int nOut) {
        SDVariable w = sd.var(layer + "_W", new ReluInitScheme('c', nIn), DataType.FLOAT, nIn, nOut);
        SDVariable b = sd.var(layer + "_b", new ZeroInitScheme('c'), DataType.FLOAT, 1, nOut);
        return in.mmul(w).add(b);
    }

    /**
     * The encoder's parameters by name ({@code "<layer>_W"}, {@code "<layer>_b"}), in the SameDiff graph's layout
     * (conv weights {@code [kH, kW, in, out]}, DL4J's are {@code [out, in, kH, kW]}).
     */
    public static Map<String, INDArray> parameters(MultiLayerNetwork net, int layers) {
        Map<String, INDArray> params = new LinkedHashMap<>();
        net.paramTable().forEach((key, value) -> {
            int layer = Integer.parseInt(key.substring(0, key.indexOf('_')));
            if (layer < layers) {
                params.put(key, isConv(key) && key.endsWith("_W") ? value.permute(2, 3, 1, 0).dup('c') : value);
            }
        });
        return params;
    }

    /** Copies parameters between the fronts: every SameDiff variable named like a DL4J parameter gets its value. */
    public static void copyInto(SameDiff sd, Map<String, INDArray> params) {
        params.forEach((name, value) -> {
            if (sd.hasVariable(name)) {
                sd.getVariable(name).getArr().assign(value.reshape(sd.getVariable(name).getArr().shape()));
            }
        });
    }

    public static void copyInto(MultiLayerNetwork net, SameDiff sd) {
        net.paramTable().forEach((name, value) -> {
            if (sd.hasVariable(name)) {
                INDArray trained = sd.getVariable(name).getArr();
                value.assign(isConv(name) && name.endsWith("_W") ? trained.permute(3, 2, 0, 1) : trained.reshape(value.shape()));
            }
        });
    }

    private static boolean isConv(String parameter) {
        return Integer.parseInt(parameter.substring(0, parameter.indexOf('_'))) < CONV_STRIDES.length;
    }
}
