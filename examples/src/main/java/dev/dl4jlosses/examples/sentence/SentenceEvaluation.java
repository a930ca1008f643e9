package dev.dl4jlosses.examples.sentence;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Retrieval and STS scores of the trained encoder next to the TF-IDF baseline: printed and added to the metrics. */
final class SentenceEvaluation {

    private SentenceEvaluation() {
    }

    static void evaluate(ExportedEncoder encoder, BagOfWords bagOfWords, List<ParaphraseCorpus.Pair> heldOut,
                         List<ParaphraseCorpus.ScoredPair> sts, Map<String, Object> metrics) {
        Map<String, Function<List<String>, INDArray>> methods = new LinkedHashMap<>();
        methods.put("encoder", encoder::embed);
        methods.put("tfidf", bagOfWords::vectors);
        if (heldOut != null) {
            List<String> anchors = heldOut.stream().map(ParaphraseCorpus.Pair::anchor).toList();
            List<String> positives = heldOut.stream().map(ParaphraseCorpus.Pair::positive).toList();
            List<String> distractors = heldOut.stream().map(ParaphraseCorpus.Pair::negative).filter(Objects::nonNull).toList();
            Map<String, Object> retrieval = new LinkedHashMap<>();
            System.out.printf(Locale.ROOT, "retrieval of the paraphrase among %d held-out candidates (%d paraphrases of other queries, %d distractors):%n",
                    heldOut.size() + distractors.size(), heldOut.size() - 1, distractors.size());
            methods.forEach((name, embed) -> {
                SentenceMetrics.Retrieval r = SentenceMetrics.retrieval(embed.apply(anchors), embed.apply(positives),
                        distractors.isEmpty() ? null : embed.apply(distractors));
                retrieval.put(name, r);
                System.out.printf(Locale.ROOT, "  %-8s recall@1 %.3f  recall@10 %.3f  MRR %.3f%n", name, r.recallAt1(), r.recallAt10(), r.mrr());
            });
            retrieval.put("candidates", heldOut.size() + distractors.size());
            metrics.put("retrieval", retrieval);
        }
        if (sts != null) {
            List<String> first = sts.stream().map(ParaphraseCorpus.ScoredPair::first).toList();
            List<String> second = sts.stream().map(ParaphraseCorpus.ScoredPair::second).toList();
            INDArray scores = Nd4j.createFromArray(sts.stream().mapToDouble(ParaphraseCorpus.ScoredPair::score).toArray());
            Map<String, Object> spearman = new LinkedHashMap<>();
            System.out.printf(Locale.ROOT, "STS, Spearman correlation of cosine similarity and score over %d pairs:%n", sts.size());
            methods.forEach((name, embed) -> {
                double rho = SentenceMetrics.spearman(SentenceMetrics.pairCosine(embed.apply(first), embed.apply(second)), scores);
                spearman.put(name, rho);
                System.out.printf(Locale.ROOT, "  %-8s %.3f%n", name, rho);
            });
            metrics.put("stsSpearman", spearman);
        }
        if (heldOut == null && sts == null) {
            System.out.println("no evaluation data (give --eval-pairs and/or --sts)");
        }
    }
}
