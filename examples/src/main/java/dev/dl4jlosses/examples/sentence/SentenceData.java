package dev.dl4jlosses.examples.sentence;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * What {@code sentence-encoder} trains and evaluates on: training rows (unsupervised: anchor = positive), validation
 * rows held out of them (to choose the lexical channel's n-gram share and the dense weight; never the evaluation
 * file), held-out pairs and STS pairs (either may be null).
 */
record SentenceData(String source, boolean embedded, List<ParaphraseCorpus.Pair> train, List<ParaphraseCorpus.Pair> validation,
                    boolean unsupervised, List<ParaphraseCorpus.Pair> heldOut, List<ParaphraseCorpus.ScoredPair> sts) {

    /**
     * Holds {@code validationSize} rows (at most a tenth, chosen with the seed) out of supervised rows; none out of
     * unsupervised ones (an anchor that is its own positive validates nothing). The training rows keep their order.
     */
    static SentenceData split(String source, boolean embedded, List<ParaphraseCorpus.Pair> rows, boolean unsupervised, int validationSize,
                              long seed, List<ParaphraseCorpus.Pair> heldOut, List<ParaphraseCorpus.ScoredPair> sts) {
        int held = unsupervised ? 0 : Math.min(validationSize, rows.size() / 10);
        List<ParaphraseCorpus.Pair> shuffled = new ArrayList<>(rows);
        Collections.shuffle(shuffled, new Random(seed - 1));
        List<ParaphraseCorpus.Pair> validation = List.copyOf(shuffled.subList(0, held));
        Set<ParaphraseCorpus.Pair> heldRows = Collections.newSetFromMap(new IdentityHashMap<>());
        heldRows.addAll(validation);
        List<ParaphraseCorpus.Pair> train = rows.stream().filter(r -> !heldRows.contains(r)).toList();
        return new SentenceData(source, embedded, train, validation, unsupervised, heldOut, sts);
    }

    /** Every evaluation sentence (the baselines know their words, with document frequency 0). */
    List<String> evaluationText() {
        List<String> text = new ArrayList<>();
        if (heldOut != null) {
            heldOut.forEach(p -> text.addAll(p.negative() == null ? List.of(p.anchor(), p.positive())
                    : List.of(p.anchor(), p.positive(), p.negative())));
        }
        if (sts != null) {
            sts.forEach(p -> text.addAll(List.of(p.first(), p.second())));
        }
        return text;
    }
}
