package dev.dl4jlosses.examples.sentence;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Function;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Retrieval and STS scores of the trained encoder next to the bag-of-words baselines, TF-IDF (cosine) and BM25:
 * printed and added to the metrics.
 */
final class SentenceEvaluation {

    /** What evaluation asks of a method: rank each anchor's positive among all candidates, and score sentence pairs. */
    private interface Method {

        SentenceMetrics.Retrieval retrieval(List<String> anchors, List<String> positives, List<String> distractors);

        INDArray pairScores(List<String> first, List<String> second);

        /** A method that scores every query against every candidate with a symmetric similarity. */
        static Method similarity(BiFunction<List<String>, List<String>, INDArray> similarities) {
            return new Method() {
                @Override
                public SentenceMetrics.Retrieval retrieval(List<String> anchors, List<String> positives, List<String> distractors) {
                    List<String> candidates = new ArrayList<>(positives);
                    candidates.addAll(distractors);
                    return SentenceMetrics.retrieval(similarities.apply(anchors, candidates));
                }

                @Override
                public INDArray pairScores(List<String> first, List<String> second) {
                    double[] scores = new double[first.size()];
                    for (int from = 0; from < first.size(); from += PAIR_CHUNK) {
                        int to = Math.min(first.size(), from + PAIR_CHUNK);
                        INDArray block = similarities.apply(first.subList(from, to), second.subList(from, to));
                        for (int i = from; i < to; i++) {
                            scores[i] = block.getDouble(i - from, i - from);
                        }
                    }
                    return Nd4j.createFromArray(scores);
                }
            };
        }

        /** A method that embeds sentences and compares them by cosine similarity. */
        static Method cosine(Function<List<String>, INDArray> embed) {
            return new Method() {
                @Override
                public SentenceMetrics.Retrieval retrieval(List<String> anchors, List<String> positives, List<String> distractors) {
                    return SentenceMetrics.retrieval(embed.apply(anchors), embed.apply(positives),
                            distractors.isEmpty() ? null : embed.apply(distractors));
                }

                @Override
                public INDArray pairScores(List<String> first, List<String> second) {
                    return SentenceMetrics.pairCosine(embed.apply(first), embed.apply(second));
                }
            };
        }

        /** BM25 scores of anchors (queries) against candidates; a pair's score is the mean of both directions. */
        static Method bm25(Bm25 bm25) {
            return new Method() {
                @Override
                public SentenceMetrics.Retrieval retrieval(List<String> anchors, List<String> positives, List<String> distractors) {
                    List<String> candidates = new ArrayList<>(positives);
                    candidates.addAll(distractors);
                    return SentenceMetrics.retrieval(bm25.scores(anchors, candidates));
                }

                @Override
                public INDArray pairScores(List<String> first, List<String> second) {
                    return bm25.pairScores(first, second);
                }
            };
        }
    }

    /** Pairs scored per block by a similarity method (a block's matrix is PAIR_CHUNK²). */
    private static final int PAIR_CHUNK = 256;

    private SentenceEvaluation() {
    }

    static void evaluate(ExportedEncoder encoder, BagOfWords bagOfWords, Bm25 bm25, List<ParaphraseCorpus.Pair> heldOut,
                         List<ParaphraseCorpus.ScoredPair> sts, Map<String, Object> metrics) {
        Map<String, Method> methods = new LinkedHashMap<>();
        methods.put("encoder", Method.similarity(encoder::similarities));
        if (encoder.hasLexicalChannel()) {
            methods.put("lexical", Method.similarity(encoder::lexicalSimilarities));
            methods.put("dense", Method.similarity(encoder::denseSimilarities));
        }
        methods.put("tfidf", Method.cosine(bagOfWords::vectors));
        methods.put("bm25", Method.bm25(bm25));
        if (heldOut != null) {
            List<String> anchors = heldOut.stream().map(ParaphraseCorpus.Pair::anchor).toList();
            List<String> positives = heldOut.stream().map(ParaphraseCorpus.Pair::positive).toList();
            List<String> distractors = heldOut.stream().map(ParaphraseCorpus.Pair::negative).filter(Objects::nonNull).toList();
            Map<String, Object> retrieval = new LinkedHashMap<>();
            System.out.printf(Locale.ROOT, "retrieval of the paraphrase among %d held-out candidates (%d paraphrases of other queries, %d distractors):%n",
                    heldOut.size() + distractors.size(), heldOut.size() - 1, distractors.size());
            methods.forEach((name, method) -> {
                SentenceMetrics.Retrieval r = method.retrieval(anchors, positives, distractors);
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
            System.out.printf(Locale.ROOT, "STS, Spearman correlation of similarity (cosine; BM25: mean of both directions) and score over %d pairs:%n",
                    sts.size());
            methods.forEach((name, method) -> {
                double rho = SentenceMetrics.spearman(method.pairScores(first, second), scores);
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
