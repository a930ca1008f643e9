package dev.dl4jlosses.training;

import java.util.Collection;
import java.util.Map;

import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.deeplearning4j.optimize.solvers.BaseOptimizer;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/**
 * One training step of a contrastive encoder on a batch of any size, with the memory of a chunk: gradient caching
 * (Gao et al. 2021, "Scaling Deep Contrastive Learning Batch Size under Memory Limited Setup").
 *
 * <p>The network is the one {@code fit} trains: a {@link MultiLayerNetwork} or single-output {@link ComputationGraph}
 * whose output layer ({@code OutputLayer} or {@code LossLayer}) holds the loss, e.g. {@code LossNTXent}. A step
 * <ol>
 *   <li>runs the batch forward {@code chunkRows} rows at a time in training mode, keeping only the output layer's
 *       pre-activations ({@code [B, nOut]});</li>
 *   <li>evaluates the loss once on all of them: its score and its exact gradient w.r.t. every row, every other row of
 *       the batch being a candidate (the loss's own blocking bounds its memory);</li>
 *   <li>runs each chunk forward again and back-propagates its rows of that gradient, adding up the parameter
 *       gradients;</li>
 *   <li>applies the network's own updater once, as {@code fit} does (same updater state, same division by the batch
 *       size, regularisation, gradient normalisation), increments the iteration count, applies the constraints, and
 *       sets the score: the loss's score plus the regularisation term.</li>
 * </ol>
 * So the parameters after a step equal those after {@code fit} on the same batch (tested to 1e-8 in float64) for
 * networks whose rows do not interact inside the network, while the activations held at any time are those of one
 * chunk. The price is a second forward pass of every chunk.
 *
 * <p>Why the output layer's loss rather than an encoder and a separate loss: the same network trains with {@code fit}
 * and with this class, saves with its loss in its configuration, and goes through DL4J's own code for the output
 * layer's activation and preprocessors. During a step the output layer's configuration holds a stand-in loss (through
 * which DL4J's forward code hands over the pre-activations and takes back their gradient); it is restored when the
 * step ends, also on failure, so a network must not be trained by two threads at once (nor is {@code fit} safe so).
 *
 * <p>What differs from {@code fit}:
 * <ul>
 *   <li>Dropout and weight noise are rejected ({@link IllegalArgumentException}): both forward passes of a chunk
 *       must compute the same function, and DL4J M2.1 draws new masks on every pass.</li>
 *   <li>Batch normalisation sees each chunk as a batch (as "ghost batch norm" does): the gradient is exact for that
 *       chunk-wise normalisation, not for the full-batch normalisation {@code fit} would do. Its running mean moves
 *       towards the batch mean (the mean of the chunks' means, weighted by their rows); its running variance towards
 *       the weighted mean of the chunks' variances, which leaves out the spread between chunk means.</li>
 *   <li>Listeners: {@code onForwardPass} and {@code onBackwardPass} are called once per chunk (with that chunk's
 *       activations), {@code onGradientCalculation} and {@code iterationDone} once per step.</li>
 *   <li>Masks are not supported; a memory queue of the loss is filled once per step, as by {@code fit}.</li>
 * </ul>
 */
public final class CachedContrastiveTrainer {

    private final int chunkRows;

    /** @param chunkRows rows of the batch run through the network at once (the last chunk may have fewer) */
    public CachedContrastiveTrainer(int chunkRows) {
        if (chunkRows < 1) {
            throw new IllegalArgumentException("chunkRows must be >= 1, got " + chunkRows);
        }
        this.chunkRows = chunkRows;
    }

    public int getChunkRows() {
        return chunkRows;
    }

    /** One step on {@code batch} (features, and labels as the loss takes them); returns the step's score. */
    public double fit(MultiLayerNetwork net, DataSet batch) {
        return step(ChunkedNetwork.of(net, batch));
    }

    /** One step of a graph with one output on {@code batch}; returns the step's score. */
    public double fit(ComputationGraph graph, MultiDataSet batch) {
        return step(ChunkedNetwork.of(graph, batch));
    }

    private double step(ChunkedNetwork net) {
        ILossFunction loss = net.loss();
        Pair<Double, INDArray> scoreAndGradient;
        Gradient gradient;
        try (MemoryWorkspace outside = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
            INDArray preOutputs = preOutputs(net);
            scoreAndGradient = loss.computeGradientAndScore(net.labels, preOutputs, net.outputActivation(), null,
                    net.model.conf().isMiniBatch());
            preOutputs.close();
            gradient = accumulateGradient(net, scoreAndGradient.getSecond());
        } finally {
            net.setLoss(loss);
            net.clearState();
        }
        double score = scoreAndGradient.getFirst() + net.regularizationScore();
        net.setScore(score);
        Collection<TrainingListener> listeners = net.listeners();
        if (listeners != null) {
            listeners.forEach(l -> l.onGradientCalculation(net.model));
        }
        net.update(gradient);
        INDArray params = net.model.params();
        params.subi(net.model.getGradientsViewArray().reshape(params.shape()));
        if (listeners != null) {
            int iteration = BaseOptimizer.getIterationCount(net.model);
            int epoch = BaseOptimizer.getEpochCount(net.model);
            listeners.forEach(l -> l.iterationDone(net.model, iteration, epoch));
        }
        BaseOptimizer.incrementIterationCount(net.model, 1);
        BaseOptimizer.applyConstraints(net.model);
        return score;
    }

    /** The output layer's pre-activations of every row, computed a chunk at a time. */
    private INDArray preOutputs(ChunkedNetwork net) {
        StandInLoss.PreOutputRecorder recorder = new StandInLoss.PreOutputRecorder(net.rows);
        net.setLoss(recorder);
        for (long from = 0; from < net.rows; from += chunkRows) {
            recorder.startAt(from);
            net.recordPreOutputs(from, Math.min(net.rows, from + chunkRows));
        }
        return recorder.batch();
    }

    /**
     * Runs each chunk back through the network with its rows of {@code lossGradient} and leaves the batch's parameter
     * gradient in the network's gradient view; returns the gradient whose variables are views of it.
     */
    private Gradient accumulateGradient(ChunkedNetwork net, INDArray lossGradient) {
        INDArray sum = null;
        Gradient gradient = null;
        net.setLoss(StandInLoss.GIVEN_GRADIENT);
        for (long from = 0; from < net.rows; from += chunkRows) {
            long to = Math.min(net.rows, from + chunkRows);
            net.computeGradient(from, to, ChunkedNetwork.rowsOf(lossGradient, from, to));
            gradient = net.model.gradient();
            double share = (double) (to - from) / net.rows;
            for (Map.Entry<String, INDArray> variable : gradient.gradientForVariable().entrySet()) {
                if (!net.dividedByBatchSize(variable.getKey())) {
                    // running statistics: the batch's value is the rows-weighted mean of the chunks' values
                    variable.getValue().muli(share);
                }
            }
            // the network allocates its gradient view at its first backward pass
            INDArray gradientView = net.model.getGradientsViewArray();
            sum = sum == null ? gradientView.dup() : sum.addi(gradientView);
        }
        net.model.getGradientsViewArray().assign(sum);
        sum.close();
        return gradient;
    }
}
