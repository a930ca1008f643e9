package dev.dl4jlosses.examples.sentence;

import java.util.List;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The second bag-of-words baseline, Okapi BM25 ({@code k1} = {@value #K1}, {@code b} = {@value #B}), the usual
 * first-stage ranker of search engines: unlike TF-IDF's cosine it saturates repeated words and discounts long
 * candidates relative to the corpus's mean length. With {@code idf(w) = ln(1 + (N - df(w) + 0.5) / (df(w) + 0.5))}
 * fitted on a corpus of N sentences (words outside it get {@code df = 0}),
 * <pre>
 * score(q, c) = Σ_{w in q} idf(w) · tf(w, c) (k1 + 1) / (tf(w, c) + k1 (1 − b + b |c| / avgdl))
 * </pre>
 * where the sum runs over the query's words (one term per occurrence), {@code |c|} is the candidate's word count and
 * {@code avgdl} the corpus's mean. The score is the dot product of a query-side row (idf times the query's counts)
 * and a candidate-side row (the fraction), so a matrix of scores is one matrix product. It is not symmetric.
 */
public final class Bm25 {

    static final double K1 = 1.2;
    static final double B = 0.75;

    private final WordCounts words;
    private final INDArray idf;
    private final double meanLength;

    /** Fits idf and avgdl on {@code corpus}; {@code alsoKnown} adds words (e.g. of the evaluation set) with df 0. */
    public Bm25(List<String> corpus, List<String> alsoKnown) {
        words = new WordCounts(corpus, alsoKnown);
        WordCounts.CorpusStatistics fit = words.statistics(corpus);
        INDArray documentFrequency = fit.documentFrequency();
        idf = Transforms.log(documentFrequency.rsub(fit.documents() + 0.5).div(documentFrequency.add(0.5)).add(1));
        meanLength = fit.meanLength();
    }

    /** {@code [n, m]}: entry {@code (i, j)} is the score of candidate j for query i. */
    public INDArray scores(List<String> queries, List<String> candidates) {
        return queryRows(queries).mmul(candidateRows(candidates).transpose());
    }

    /** {@code [n]}: the score of each pair, the mean of both directions ({@code first} as the query and as the candidate). */
    public INDArray pairScores(List<String> first, List<String> second) {
        INDArray forward = queryRows(first).mul(candidateRows(second)).sum(1);
        INDArray backward = queryRows(second).mul(candidateRows(first)).sum(1);
        return forward.add(backward).div(2);
    }

    private INDArray queryRows(List<String> queries) {
        return words.counts(queries).mulRowVector(idf);
    }

    private INDArray candidateRows(List<String> candidates) {
        INDArray tf = words.counts(candidates);
        INDArray lengthNorm = tf.sum(true, 1).div(meanLength).mul(B).add(1 - B).mul(K1);   // [m, 1]
        return tf.mul(K1 + 1).div(tf.addColumnVector(lengthNorm));
    }
}
