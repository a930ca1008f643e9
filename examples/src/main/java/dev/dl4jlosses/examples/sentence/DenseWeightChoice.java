package dev.dl4jlosses.examples.sentence;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.TreeSet;
import java.util.function.Function;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Chooses the dense share λ of the fused cosine {@code (1 − λ) lexical + λ dense} on a validation slice of the
 * training pairs (never on the evaluation file): the λ learnt in training and a grid from 0 (lexical channel alone)
 * to 1 (dense encoder alone) compete on the MRR of retrieving each validation anchor's positive among all validation
 * positives and hard negatives. So where the dense encoder adds nothing to word overlap, the run falls back to the
 * lexical channel rather than below it. Ties go to the smaller λ.
 *
 * @param denseWeight the chosen λ
 * @param learnt      the λ training ended with
 * @param mrr         validation MRR at the chosen λ
 * @param lexicalMrr  validation MRR at λ = 0
 * @param learntMrr   validation MRR at the learnt λ
 */
record DenseWeightChoice(double denseWeight, double learnt, double mrr, double lexicalMrr, double learntMrr) {

    /** Candidates besides the learnt λ. */
    static final double[] GRID = {0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1};

    /**
     * The validation pairs with their (fixed) lexical cosines, so that checking the dense encoder during training
     * costs one dense forward pass over them.
     */
    static final class Validator {

        private final int pairs;
        private final List<String> anchors;
        private final List<String> candidates;
        private final INDArray lexical;

        Validator(LexicalChannel channel, List<ParaphraseCorpus.Pair> validation) {
            pairs = validation.size();
            anchors = validation.stream().map(ParaphraseCorpus.Pair::anchor).toList();
            List<String> all = new ArrayList<>(validation.stream().map(ParaphraseCorpus.Pair::positive).toList());
            all.addAll(validation.stream().map(ParaphraseCorpus.Pair::negative).filter(Objects::nonNull).toList());
            candidates = List.copyOf(all);
            lexical = channel.cosines(anchors, candidates);
        }

        /** The validation MRR at the best λ of {@link #GRID} for dense embeddings from {@code embed}. */
        double bestMrr(Function<List<String>, INDArray> embed) {
            INDArray dense = SentenceMetrics.unitRows(embed.apply(anchors)).mmul(SentenceMetrics.unitRows(embed.apply(candidates)).transpose());
            double best = -1;
            for (double w : GRID) {
                best = Math.max(best, mrr(lexical, dense, w));
            }
            return best;
        }

        DenseWeightChoice choose(ExportedEncoder learnt) {
            return DenseWeightChoice.choose(pairs, lexical, learnt.denseSimilarities(anchors, candidates), learnt.denseWeight());
        }
    }

    private static DenseWeightChoice choose(int pairs, INDArray lexical, INDArray dense, double learnt) {
        TreeSet<Double> weights = new TreeSet<>();
        for (double w : GRID) {
            weights.add(w);
        }
        weights.add(learnt);
        double best = Double.NaN;
        double bestMrr = -1;
        for (double w : weights) {
            double mrr = mrr(lexical, dense, w);
            if (mrr > bestMrr) {
                best = w;
                bestMrr = mrr;
            }
        }
        DenseWeightChoice choice = new DenseWeightChoice(best, learnt, bestMrr, mrr(lexical, dense, 0), mrr(lexical, dense, learnt));
        System.out.printf(Locale.ROOT, "dense weight on %d validation pairs: learnt %.3f (MRR %.3f), lexical alone MRR %.3f; chosen %.3f "
                + "(MRR %.3f)%n", pairs, choice.learnt(), choice.learntMrr(), choice.lexicalMrr(), best, bestMrr);
        return choice;
    }

    /** Candidates for the n-gram share of the lexical cosine. */
    static final double[] GRAM_SHARES = {0, 0.25, 0.5, 0.75, 1};

    /**
     * The lexical channel with the n-gram share (of {@link #GRAM_SHARES}) whose cosine alone retrieves the validation
     * positives best (ties: the smaller share): how much spelling beyond whole words helps depends on the data.
     */
    static LexicalChannel chooseGramShare(LexicalChannel fitted, List<ParaphraseCorpus.Pair> validation) {
        List<String> anchors = validation.stream().map(ParaphraseCorpus.Pair::anchor).toList();
        List<String> candidates = new ArrayList<>(validation.stream().map(ParaphraseCorpus.Pair::positive).toList());
        candidates.addAll(validation.stream().map(ParaphraseCorpus.Pair::negative).filter(Objects::nonNull).toList());
        LexicalChannel best = null;
        double bestMrr = -1;
        StringBuilder line = new StringBuilder("n-gram share of the lexical cosine on " + validation.size() + " validation pairs (MRR):");
        for (double share : GRAM_SHARES) {
            LexicalChannel channel = fitted.withGramShare(share);
            double mrr = SentenceMetrics.retrieval(channel.cosines(anchors, candidates)).mrr();
            line.append(String.format(Locale.ROOT, " %.2f: %.3f", share, mrr));
            if (mrr > bestMrr) {
                best = channel;
                bestMrr = mrr;
            }
        }
        System.out.println(line.append(String.format(Locale.ROOT, "; chosen %.2f", best.gramShare())));
        return best;
    }

    private static double mrr(INDArray lexical, INDArray dense, double denseWeight) {
        return SentenceMetrics.retrieval(lexical.mul(1 - denseWeight).addi(dense.mul(denseWeight))).mrr();
    }
}
