package dev.dl4jlosses.examples.sentence;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/** Retrieval and STS scores of sentence embeddings (or of any method's score matrix), as ND4J ops on whole arrays. */
public final class SentenceMetrics {

    /**
     * Paraphrase retrieval: query i's correct answer is candidate i among all candidates.
     *
     * @param recallAt1  share of queries whose answer is the most similar candidate
     * @param recallAt10 share whose answer is among the 10 most similar
     * @param mrr        mean reciprocal rank of the answer
     */
    public record Retrieval(double recallAt1, double recallAt10, double mrr) {
    }

    private SentenceMetrics() {
    }

    /**
     * Cosine similarity; query i's answer is candidate i, and the other candidates and all distractors compete with
     * it, ranked by {@link #retrieval(INDArray)}.
     *
     * @param distractors extra candidates {@code [m, d]} that answer no query, or null
     */
    public static Retrieval retrieval(INDArray queries, INDArray candidates, INDArray distractors) {
        if (queries.rank() != 2 || !java.util.Arrays.equals(queries.shape(), candidates.shape())
                || distractors != null && (distractors.rank() != 2 || distractors.size(1) != queries.size(1))) {
            throw new IllegalArgumentException("retrieval needs queries and candidates of equal shape [n, d] and distractors [m, d]; got "
                    + java.util.Arrays.toString(queries.shape()) + ", " + java.util.Arrays.toString(candidates.shape()) + " and "
                    + (distractors == null ? "none" : java.util.Arrays.toString(distractors.shape())));
        }
        INDArray all = distractors == null ? candidates : Nd4j.concat(0, candidates, distractors);
        return retrieval(unitRows(queries).mmul(unitRows(all).transpose()));
    }

    /**
     * Retrieval from any method's scores {@code [n, n + m]}: row i scores every candidate for query i, whose answer is
     * column i (columns n and up are distractors). The rank of an answer counts the competitors scored strictly higher
     * (ties in its favour); the answer's score is read from the same matrix, so it never competes with itself.
     */
    public static Retrieval retrieval(INDArray scores) {
        long n = scores.rows();
        if (scores.rank() != 2 || scores.columns() < n || n == 0) {
            throw new IllegalArgumentException("retrieval needs scores [n, n + m] for n >= 1 queries; got " + java.util.Arrays.toString(scores.shape()));
        }
        INDArray all = scores.castTo(DataType.DOUBLE);
        INDArray answers = all.get(NDArrayIndex.all(), NDArrayIndex.interval(0, n)).mul(Nd4j.eye(n).castTo(DataType.DOUBLE)).sum(true, 1);
        INDArray rank = all.gt(answers.broadcast(all.shape())).castTo(DataType.DOUBLE).sum(1);   // 0 = first
        return new Retrieval(rank.lt(1).castTo(DataType.DOUBLE).sumNumber().doubleValue() / n,
                rank.lt(10).castTo(DataType.DOUBLE).sumNumber().doubleValue() / n,
                Transforms.pow(rank.add(1), -1).meanNumber().doubleValue());
    }

    /** Cosine similarity of row i of {@code first} and row i of {@code second}. */
    public static INDArray pairCosine(INDArray first, INDArray second) {
        return unitRows(first).mul(unitRows(second)).sum(1);
    }

    /** Spearman's rank correlation (ties get their average rank). */
    public static double spearman(INDArray x, INDArray y) {
        INDArray rx = ranks(x.castTo(DataType.DOUBLE).reshape(-1));
        INDArray ry = ranks(y.castTo(DataType.DOUBLE).reshape(-1));
        INDArray cx = rx.sub(rx.meanNumber());
        INDArray cy = ry.sub(ry.meanNumber());
        return cx.mul(cy).sumNumber().doubleValue() / Math.sqrt(cx.mul(cx).sumNumber().doubleValue() * cy.mul(cy).sumNumber().doubleValue());
    }

    /** Average ranks (1-based): (number smaller) + (number equal + 1) / 2, by an n × n comparison. */
    static INDArray ranks(INDArray values) {
        long n = values.length();
        INDArray others = values.reshape(1, n).broadcast(n, n);       // [i, j] = x_j
        INDArray own = values.reshape(n, 1).broadcast(n, n);          // [i, j] = x_i
        INDArray smaller = others.lt(own).castTo(DataType.DOUBLE).sum(1);
        INDArray equal = others.eq(own).castTo(DataType.DOUBLE).sum(1);
        return smaller.add(equal.add(1).div(2));
    }

    static INDArray unitRows(INDArray x) {
        INDArray rows = x.castTo(DataType.DOUBLE);
        return rows.div(rows.norm2(true, 1).addi(1e-12));
    }
}
