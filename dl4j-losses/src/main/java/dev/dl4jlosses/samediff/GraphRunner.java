package dev.dl4jlosses.samediff;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import dev.dl4jlosses.core.ComputePrecision;
import dev.dl4jlosses.core.engine.ExtraNegatives;
import dev.dl4jlosses.core.math.Reduction;
import dev.dl4jlosses.options.LogitScale;
import org.nd4j.autodiff.samediff.NameScope;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The one graph driver of every loss node, after its {@link SDContrastive} method has checked the static shapes (its
 * shape contract): a unique name scope, the compute precision, detached copies of the inputs, the logit scale, the
 * node's engine and kernel on the detached copies ({@link Body}), the reduction of each part by the loss's
 * {@link Reduction}, the analytic gradients attached to the inputs ({@link AnalyticGradient}), and the loss cast back
 * to the inputs' type and marked as a loss. With a memory queue, its constants are the engine's extra negatives and
 * the rows the node names are what each training step enqueues.
 */
final class GraphRunner {

    /** What a node computes, under its name scope, from what the runner prepared. */
    interface Body {
        Terms compute(Context c);
    }

    /**
     * @param detached the inputs' detached copies in the compute type, in the order given to {@link #run}
     * @param scale    the logit scale
     * @param queued   the memory queue's entries as extra negatives, or null without a queue
     */
    record Context(SameDiff sd, DataType type, List<SDVariable> detached, ScaleNode scale, ExtraNegatives<SDVariable> queued) {

        SDVariable input(int i) {
            return detached.get(i);
        }

        /** Ids or other per-row values as a {@code [n, 1]} column in the compute type; null stays null. */
        SDVariable column(SDVariable values) {
            return values == null ? null : sd.reshape(values.castTo(type), -1, 1);
        }
    }

    /**
     * A node's result: its parts (one, or one per direction of a symmetric loss) and its gradients given the factor
     * the reduction gives each part.
     *
     * @param queuedRows {@code [n, d]} the detached rows a memory queue keeps, or null without a queue
     * @param queuedIds  {@code [n, 1]} their ids
     */
    record Terms(List<Part> parts, Function<List<Weight>, Gradients> gradients, SDVariable queuedRows, SDVariable queuedIds) {

        Terms(List<Part> parts, Function<List<Weight>, Gradients> gradients) {
            this(parts, gradients, null, null);
        }
    }

    /**
     * @param rowLoss {@code [n, 1]} the part's row losses
     * @param valid   {@code [n, 1]} its valid anchors
     * @param share   its share of the loss (½ for each direction of a symmetric loss)
     */
    record Part(SDVariable rowLoss, SDVariable valid, double share) {
    }

    /**
     * @param inputs one per input ({@code ∂L/∂input}), null for an input without gradient
     * @param scale  {@code ∂L/∂s}, or null when the scale is fixed
     */
    record Gradients(List<SDVariable> inputs, SDVariable scale) {
    }

    /** A part's factor in the loss, {@code share / denominator} (no denominator: the rows sum to the loss). */
    record Weight(SDVariable denominator, double share) {

        SDVariable apply(SDVariable x) {
            SDVariable reduced = denominator == null ? x : x.div(denominator);
            return share == 1 ? reduced : reduced.mul(share);
        }
    }

    private final SameDiff sd;
    private final SameDiffOps ops;

    GraphRunner(SameDiff sd, SameDiffOps ops) {
        this.sd = sd;
        this.ops = ops;
    }

    /**
     * @param inputs the differentiable inputs (null entries are skipped); the first one's type is the loss's
     * @param scale  the logit scale ({@code LogitScale.fixed(1)} for losses without one)
     * @param queue  a memory queue whose entries the node takes as extra negatives, or null
     */
    SDVariable run(String name, String defaultName, Reduction reduction, List<SDVariable> inputs, LogitScale scale,
                   SDMemoryQueue queue, Body body) {
        String scope = uniqueName(name, defaultName);
        DataType outType = inputs.get(0).dataType();
        DataType type = ComputePrecision.of(outType);
        SDVariable loss;
        try (NameScope ignored = sd.withNameScope(scope)) {
            List<SDVariable> cast = new ArrayList<>();
            List<SDVariable> detached = new ArrayList<>();
            for (SDVariable input : inputs) {
                cast.add(input == null ? null : input.castTo(type));
                detached.add(input == null ? null : AnalyticGradient.detach(sd, cast.get(cast.size() - 1)));
            }
            ScaleNode s = ScaleNode.of(sd, scale, type);
            Terms terms = body.compute(new Context(sd, type, detached, s,
                    queue == null ? null : new ExtraNegatives<>(queue.keys(), queue.ids(), queue.filled())));
            List<Weight> weights = new ArrayList<>();
            SDVariable value = null;
            for (Part part : terms.parts()) {
                Weight w = new Weight(reduction.denominator(ops, null, part.valid()), part.share());
                weights.add(w);
                SDVariable partValue = w.apply(part.rowLoss().sum());
                value = value == null ? partValue : value.add(partValue);
            }
            Gradients g = terms.gradients().apply(weights);
            if (queue != null) {
                queue.feedFrom(terms.queuedRows(), terms.queuedIds());
            }
            cast.add(s.input());
            detached.add(s.detached());
            List<SDVariable> gradients = new ArrayList<>(g.inputs());
            gradients.add(s.gradient(g.scale()));
            loss = AnalyticGradient.attach(value, cast, detached, gradients);
        }
        return finish(loss, outType, scope);
    }

    private SDVariable finish(SDVariable loss, DataType outType, String name) {
        SDVariable out;
        try (NameScope ignored = sd.withNameScope(name)) {
            out = outType == loss.dataType() ? loss : loss.castTo(outType);
            // M2.1's training session reports a loss (History, listeners) only when the op that outputs it runs, and with
            // the analytic gradient no backward op needs it (it would report 0). minimum(loss, +inf) is the loss, and
            // its backward reads its own output, so the op runs.
            out = sd.math.min(out, sd.constant(Nd4j.scalar(outType, Double.POSITIVE_INFINITY)));
        }
        out = sd.updateVariableNameAndReference(out, name);
        out.markAsLoss();
        return out;
    }

    private String uniqueName(String name, String defaultName) {
        String base = name == null ? defaultName : name;
        String candidate = base;
        for (int i = 1; isTaken(candidate); i++) {
            if (name != null) {
                throw new IllegalArgumentException("the graph already has a variable or name scope called \"" + name + "\"");
            }
            candidate = base + "_" + i;
        }
        return candidate;
    }

    private boolean isTaken(String name) {
        return sd.hasVariable(name) || sd.getVariables().keySet().stream().anyMatch(v -> v.startsWith(name + "/"));
    }
}
