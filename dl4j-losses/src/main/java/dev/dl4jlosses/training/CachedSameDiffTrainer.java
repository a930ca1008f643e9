package dev.dl4jlosses.training;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.regularization.Regularization;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/**
 * Gradient caching (Gao et al. 2021) for a SameDiff encoder: one training step on a batch of any size with the
 * activations of one chunk at a time, the SameDiff counterpart of {@link CachedContrastiveTrainer}.
 *
 * <p>The graph computes the embeddings and holds no loss: the loss is one of the library's {@link ILossFunction}s
 * (e.g. {@code LossNTXent}, identity activation), evaluated eagerly on all embeddings at once, with its blocked memory.
 * The trainer adds to the graph a placeholder {@code G} for the embeddings' gradient and makes {@code sum(z ⊙ G)} the
 * graph's loss, whose gradient w.r.t. the parameters is the chain rule's {@code Jᵀ G}. (SameDiff M2.1's own
 * {@code ExternalErrorsFunction}, which DL4J's {@code SameDiffLayer} uses, gave twice the parameter gradient here, and
 * its constant output cannot be marked as a loss.) A step
 * <ol>
 *   <li>runs the batch through {@code sd.output} {@code chunkRows} rows at a time, keeping only the embeddings;</li>
 *   <li>takes the loss's score (mean over the rows) and its exact gradient w.r.t. every embedding;</li>
 *   <li>runs each chunk through {@code sd.calculateGradients} with its rows of that gradient fed to the external
 *       errors, adding up the parameter gradients;</li>
 *   <li>applies the graph's {@link TrainingConfig} once as {@code sd.fit}'s training session does: regularisation
 *       before and after the updater, the updater, the sign of {@code minimize}, and the iteration count.</li>
 * </ol>
 * So the parameters after a step equal those after {@code sd.fit} of the same encoder ending in the matching
 * {@code SDContrastive} node, for graphs whose rows do not interact (tested to 1e-8 in float64). The updater state
 * lives in this trainer, not in the graph ({@code SameDiff.initializeTraining} is not public in M2.1): train a graph
 * with one trainer, not alternately with {@code sd.fit}. Randomness in the graph (dropout) would differ between the
 * two passes of a chunk and is not supported; neither are listeners.
 *
 * <pre>{@code
 * SameDiff sd = SameDiff.create();
 * SDVariable x = sd.placeHolder("x", DataType.FLOAT, -1, 784);
 * SDVariable w = sd.var("w", new XavierInitScheme('c', 784, 64), DataType.FLOAT, 784, 64);
 * x.mmul("z", w);
 * sd.setTrainingConfig(TrainingConfig.builder().updater(new Adam(1e-3)).dataSetFeatureMapping("x").build());
 * CachedSameDiffTrainer trainer = new CachedSameDiffTrainer(sd, "x", "z", new LossNTXent(0.5), 512);
 * double loss = trainer.fit(images, ids);   // ids [B, 1], as the DL4J loss takes them
 * }</pre>
 */
public final class CachedSameDiffTrainer {

    private final SameDiff sd;
    /** The graph's loss while it trains with this class: the embeddings weighted by their given gradient. */
    static final String SURROGATE_LOSS = "cachedGradientSurrogateLoss";
    private final String input;
    private final String embeddings;
    private final ILossFunction loss;
    private final int chunkRows;
    /** The placeholder that takes each chunk's rows of the embeddings' gradient. */
    private final String gradientInput;
    private final Map<String, GradientUpdater> updaters = new LinkedHashMap<>();

    /**
     * @param input      the placeholder the batch's rows feed
     * @param embeddings the variable the loss compares ({@code [B, d]})
     * @param chunkRows  rows of the batch run through the graph at once (the last chunk may have fewer)
     */
    public CachedSameDiffTrainer(SameDiff sd, String input, String embeddings, ILossFunction loss, int chunkRows) {
        if (chunkRows < 1) {
            throw new IllegalArgumentException("chunkRows must be >= 1, got " + chunkRows);
        }
        TrainingConfig config = sd.getTrainingConfig();
        if (config == null || config.getUpdater() == null) {
            throw new IllegalArgumentException("the graph needs a TrainingConfig with an updater (sd.setTrainingConfig)");
        }
        if (!sd.hasVariable(input) || !sd.getVariable(input).isPlaceHolder()) {
            throw new IllegalArgumentException("the graph has no placeholder named " + input);
        }
        if (!sd.hasVariable(embeddings)) {
            throw new IllegalArgumentException("the graph has no variable named " + embeddings);
        }
        if (!sd.getLossVariables().isEmpty()) {
            throw new IllegalArgumentException("the graph must end at the embeddings and hold no loss (the trainer "
                    + "evaluates " + loss.name() + " outside it); it has loss variables " + sd.getLossVariables());
        }
        this.sd = sd;
        this.input = input;
        this.embeddings = embeddings;
        this.loss = loss;
        this.chunkRows = chunkRows;
        this.gradientInput = embeddings + "-cachedGradient";
        if (sd.hasVariable(gradientInput) || sd.hasVariable(SURROGATE_LOSS)) {
            throw new IllegalArgumentException("the graph already has a cached trainer (variables " + gradientInput
                    + ", " + SURROGATE_LOSS + ")");
        }
        // sum(z ⊙ G) with G the given gradient: its gradient w.r.t. the parameters is Jᵀ G, the chain rule's product
        SDVariable z = sd.getVariable(embeddings);
        SDVariable given = sd.var(gradientInput, VariableType.PLACEHOLDER, null, z.dataType());
        sd.setLossVariables(z.mul(given).sum(SURROGATE_LOSS));
        for (SDVariable v : sd.variables()) {
            if (v.getVariableType() == VariableType.VARIABLE && v.dataType().isFPType()) {
                updaters.put(v.name(), newUpdater(config, v.getArr()));
            }
        }
    }

    /** As {@code SameDiff.initializeTraining} creates each parameter's updater. */
    private static GradientUpdater newUpdater(TrainingConfig config, INDArray param) {
        long stateSize = config.getUpdater().stateSize(param.length());
        INDArray state = stateSize == 0 ? null : Nd4j.zeros(param.dataType(), 1, stateSize);
        GradientUpdater updater = config.getUpdater().instantiate(state, false);
        updater.setStateViewArray(state, param.shape(), param.ordering(), true);
        return updater;
    }

    public int getChunkRows() {
        return chunkRows;
    }

    /**
     * One step on {@code features} (the input placeholder's rows) with {@code labels} as the loss takes them; returns
     * the loss (mean over the rows, without regularisation, as {@code sd.fit} reports it).
     */
    public double fit(INDArray features, INDArray labels) {
        long rows = features.size(0);
        if (labels.size(0) != rows) {
            throw new IllegalArgumentException("features of shape " + Arrays.toString(features.shape())
                    + " do not have a row per label row (labels " + Arrays.toString(labels.shape()) + ")");
        }
        List<INDArray> chunks = new ArrayList<>();
        for (long from = 0; from < rows; from += chunkRows) {
            INDArray chunk = features.get(NDArrayIndex.interval(from, Math.min(rows, from + chunkRows)));
            chunks.add(sd.output(Map.of(input, chunk), embeddings).get(embeddings));
        }
        INDArray batchEmbeddings = Nd4j.concat(0, chunks.toArray(INDArray[]::new));
        Pair<Double, INDArray> scoreAndGradient = loss.computeGradientAndScore(labels, batchEmbeddings,
                new ActivationIdentity(), null, true);
        // the library's losses give the gradient of the summed rows; the graph's loss is their mean
        INDArray embeddingGradient = scoreAndGradient.getSecond().divi(rows);
        Map<String, INDArray> gradients = new HashMap<>();
        List<String> parameters = new ArrayList<>(updaters.keySet());
        for (long from = 0; from < rows; from += chunkRows) {
            long to = Math.min(rows, from + chunkRows);
            Map<String, INDArray> placeholders = Map.of(input, features.get(NDArrayIndex.interval(from, to)),
                    gradientInput, embeddingGradient.get(NDArrayIndex.interval(from, to), NDArrayIndex.all()).dup());
            sd.calculateGradients(placeholders, parameters)
                    .forEach((name, g) -> gradients.merge(name, g.dup(), INDArray::addi));
        }
        update(gradients);
        return scoreAndGradient.getFirst();
    }

    /** The update of SameDiff M2.1's {@code TrainingSession}, once per parameter. */
    private void update(Map<String, INDArray> gradients) {
        TrainingConfig config = sd.getTrainingConfig();
        int iteration = config.getIterationCount();
        int epoch = config.getEpochCount();
        List<Regularization> regularizations = config.getRegularization() == null ? List.of() : config.getRegularization();
        double lr = config.getUpdater().hasLearningRate() ? config.getUpdater().getLearningRate(iteration, epoch) : 1.0;
        for (Map.Entry<String, GradientUpdater> entry : updaters.entrySet()) {
            INDArray gradient = gradients.get(entry.getKey());
            if (gradient == null) {
                continue;   // a parameter the embeddings do not depend on: sd.fit leaves it too
            }
            INDArray param = sd.getVariable(entry.getKey()).getArr();
            applyRegularization(regularizations, Regularization.ApplyStep.BEFORE_UPDATER, param, gradient, lr, iteration, epoch);
            entry.getValue().applyUpdater(gradient, iteration, epoch);
            applyRegularization(regularizations, Regularization.ApplyStep.POST_UPDATER, param, gradient, lr, iteration, epoch);
            if (config.isMinimize()) {
                param.subi(gradient);
            } else {
                param.addi(gradient);
            }
        }
        config.incrementIterationCount();
    }

    private static void applyRegularization(List<Regularization> regularizations, Regularization.ApplyStep step,
                                            INDArray param, INDArray gradient, double lr, int iteration, int epoch) {
        for (Regularization r : regularizations) {
            if (r.applyStep() == step) {
                r.apply(param, gradient, lr, iteration, epoch);
            }
        }
    }
}
