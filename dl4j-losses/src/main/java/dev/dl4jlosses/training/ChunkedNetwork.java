package dev.dl4jlosses.training;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.deeplearning4j.optimize.solvers.BaseOptimizer;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/**
 * One training batch on a {@link MultiLayerNetwork} or a single-output {@link ComputationGraph}, as the cached trainer
 * needs it: rows of the batch run through the network's own code, its output layer's loss swapped, its gradient view,
 * updater and listeners.
 */
abstract class ChunkedNetwork {

    final Model model;
    /** Configuration of the output layer: where its loss is read from on every call. */
    private final org.deeplearning4j.nn.conf.layers.Layer outputConf;
    final INDArray labels;
    final long rows;

    private ChunkedNetwork(Model model, Layer outputLayer, INDArray labels, INDArray[] features, Layer[] layers) {
        this.model = model;
        this.outputConf = outputLayer.conf().getLayer();
        if (!(outputConf instanceof BaseOutputLayer || outputConf instanceof LossLayer)) {
            throw new IllegalArgumentException("the network must end in an OutputLayer or LossLayer holding the loss, got "
                    + outputConf.getClass().getSimpleName());
        }
        if (labels == null) {
            throw new IllegalArgumentException("the batch has no labels: the loss needs its ids");
        }
        this.labels = labels;
        this.rows = labels.size(0);
        for (INDArray f : features) {
            if (f.size(0) != rows) {
                throw new IllegalArgumentException("features of shape " + Arrays.toString(f.shape())
                        + " do not have a row per label row (labels " + Arrays.toString(labels.shape()) + ")");
            }
        }
        for (Layer layer : layers) {
            org.deeplearning4j.nn.conf.layers.Layer conf = layer.conf().getLayer();
            if (conf.getIDropout() != null || conf instanceof BaseLayer b && b.getWeightNoise() != null) {
                throw new IllegalArgumentException("layer " + conf.getLayerName() + " (" + conf.getClass().getSimpleName()
                        + ") has dropout or weight noise: cached training runs every chunk forward twice and needs the "
                        + "same network function both times; remove the randomness or train with fit");
            }
        }
    }

    static ChunkedNetwork of(MultiLayerNetwork net, DataSet batch) {
        if (batch.getFeaturesMaskArray() != null || batch.getLabelsMaskArray() != null) {
            throw new IllegalArgumentException("cached training takes batches without masks");
        }
        return new ChunkedNetwork(net, net.getOutputLayer(), batch.getLabels(), new INDArray[] {batch.getFeatures()},
                net.getLayers()) {
            @Override
            void recordPreOutputs(long from, long to) {
                net.score(new DataSet(rowsOf(batch.getFeatures(), from, to), rowsOf(labels, from, to)), true);
            }

            @Override
            void computeGradient(long from, long to, INDArray lossGradient) {
                net.setInput(rowsOf(batch.getFeatures(), from, to));
                net.setLabels(lossGradient);
                net.computeGradientAndScore();
            }

            @Override
            Layer layer(String name) {
                return net.getLayer(Integer.parseInt(name));
            }

            @Override
            void update(Gradient gradient) {
                net.getUpdater().update(net, gradient, BaseOptimizer.getIterationCount(net),
                        BaseOptimizer.getEpochCount(net), (int) rows, LayerWorkspaceMgr.noWorkspaces());
            }

            @Override
            double regularizationScore() {
                return net.calcRegularizationScore(true);
            }

            @Override
            void setScore(double score) {
                net.setScore(score);
            }

            @Override
            Collection<TrainingListener> listeners() {
                return net.getListeners();
            }

            @Override
            void clearState() {
                net.clearLayersStates();
            }
        };
    }

    static ChunkedNetwork of(ComputationGraph graph, MultiDataSet batch) {
        if (graph.getNumOutputArrays() != 1 || batch.numLabelsArrays() != 1) {
            throw new IllegalArgumentException("cached training needs a graph with one output (the loss), got "
                    + graph.getNumOutputArrays() + " outputs and " + batch.numLabelsArrays() + " label arrays");
        }
        if (batch.hasMaskArrays()) {
            throw new IllegalArgumentException("cached training takes batches without masks");
        }
        INDArray[] features = batch.getFeatures();
        return new ChunkedNetwork(graph, graph.getOutputLayer(0), batch.getLabels(0), features, graph.getLayers()) {
            @Override
            void recordPreOutputs(long from, long to) {
                graph.score(new MultiDataSet(rowsOf(features, from, to), new INDArray[] {rowsOf(labels, from, to)}), true);
            }

            @Override
            void computeGradient(long from, long to, INDArray lossGradient) {
                graph.setInputs(rowsOf(features, from, to));
                graph.setLabels(lossGradient);
                graph.computeGradientAndScore();
            }

            @Override
            Layer layer(String name) {
                return graph.getLayer(name);
            }

            @Override
            void update(Gradient gradient) {
                graph.getUpdater().update(gradient, BaseOptimizer.getIterationCount(graph),
                        BaseOptimizer.getEpochCount(graph), (int) rows, LayerWorkspaceMgr.noWorkspaces());
            }

            @Override
            double regularizationScore() {
                return graph.calcRegularizationScore(true);
            }

            @Override
            void setScore(double score) {
                graph.setScore(score);
            }

            @Override
            Collection<TrainingListener> listeners() {
                return graph.getListeners();
            }

            @Override
            void clearState() {
                graph.clearLayersStates();
            }
        };
    }

    /** Runs rows {@code [from, to)} forward in training mode to the output layer's loss, without a backward pass. */
    abstract void recordPreOutputs(long from, long to);

    /** The parameter gradient of rows {@code [from, to)} for the given gradient w.r.t. their pre-activations. */
    abstract void computeGradient(long from, long to, INDArray lossGradient);

    /** The layer a gradient key's prefix names (a layer index in a MultiLayerNetwork, a vertex name in a graph). */
    abstract Layer layer(String name);

    /** One step of the network's own updater (the one {@code fit} uses) on the gradient in the gradient view. */
    abstract void update(Gradient gradient);

    abstract double regularizationScore();

    abstract void setScore(double score);

    abstract Collection<TrainingListener> listeners();

    /** Drops the inputs and activations the last chunk left in the layers, as {@code fit} does after its step. */
    abstract void clearState();

    ILossFunction loss() {
        return outputConf instanceof BaseOutputLayer o ? o.getLossFn() : ((LossLayer) outputConf).getLossFn();
    }

    void setLoss(ILossFunction loss) {
        if (outputConf instanceof BaseOutputLayer o) {
            o.setLossFn(loss);
        } else {
            ((LossLayer) outputConf).setLossFn(loss);
        }
    }

    IActivation outputActivation() {
        return ((BaseLayer) outputConf).getActivationFn();
    }

    /**
     * Whether DL4J divides this parameter's gradient by the batch size (all but batch normalisation's running mean
     * and variance, whose "gradient" is the step towards the batch's statistics).
     */
    boolean dividedByBatchSize(String gradientKey) {
        int split = gradientKey.lastIndexOf('_');
        return layer(gradientKey.substring(0, split)).updaterDivideByMinibatch(gradientKey.substring(split + 1));
    }

    static INDArray rowsOf(INDArray a, long from, long to) {
        INDArrayIndex[] index = new INDArrayIndex[a.rank()];
        Arrays.fill(index, NDArrayIndex.all());
        index[0] = NDArrayIndex.interval(from, to);
        return a.get(index).dup();
    }

    static INDArray[] rowsOf(INDArray[] arrays, long from, long to) {
        return List.of(arrays).stream().map(a -> rowsOf(a, from, to)).toArray(INDArray[]::new);
    }
}
