package dev.dl4jlosses.examples.sentence;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.weightinit.WeightInitScheme;
import org.nd4j.weightinit.impl.OneInitScheme;
import org.nd4j.weightinit.impl.XavierInitScheme;
import org.nd4j.weightinit.impl.ZeroInitScheme;

/**
 * The dense sentence encoder as SameDiff ops, one of two {@link Architecture architectures}:
 * <ul>
 *   <li>{@link Architecture#BAG}: the masked mean of the token embeddings (each word the mean of its vocabulary row
 *   and its character n-gram rows, see {@link Vocabulary} and {@link TokenBatch}) and a linear projection, a
 *   fastText-like bag of words and subwords;</li>
 *   <li>{@link Architecture#TRANSFORMER}: token embeddings plus learned position embeddings, one pre-norm Transformer
 *   encoder block (multi-head self-attention whose keys exclude padding, then a ReLU feed-forward layer, each with a
 *   residual connection), a final layer norm, mean pooling over the real tokens and a linear projection.</li>
 * </ul>
 *
 * <p>{@link #encode} can be applied several times to one graph (anchors, positives, hard negatives share the
 * weights). With dropout, each application takes mask placeholders ({@code <input>_drop_embedding}
 * {@code [n, T, dim]} and, for the Transformer, {@code <input>_drop_ffn} {@code [n, T, ffn]}, entries 0 or 1/keep)
 * that the trainer fills from its seeded random generator; the exported graph is built without them.
 *
 * @param architecture  bag of words or Transformer
 * @param rows          embedding rows ({@link Vocabulary#rows()})
 * @param maxTokens     tokens per sentence T
 * @param dim           model width
 * @param heads         attention heads (dividing {@code dim}; Transformer only)
 * @param ffn           hidden width of the feed-forward layer (Transformer only)
 * @param projectionDim size of the sentence embedding
 */
public record SentenceEncoder(Architecture architecture, int rows, int maxTokens, int dim, int heads, int ffn, int projectionDim) {

    /** Input and output of the exported graph. */
    public static final String TOKENS = "tokens";
    public static final String EMBEDDING = "embedding";
    /** Added to the attention logits of padding keys: exp underflows to exactly 0, and the sum stays finite. */
    private static final double MASKED_LOGIT = -1e9;

    public enum Architecture { BAG, TRANSFORMER }

    public SentenceEncoder {
        if (architecture == null || rows < 1 || maxTokens < 1 || dim < 1 || heads < 1 || dim % heads != 0 || ffn < 1 || projectionDim < 1) {
            throw new IllegalArgumentException("encoder needs rows, tokens, dim, ffn, projection >= 1 and heads dividing dim; got "
                    + this);
        }
    }

    public static SentenceEncoder forVocabulary(Vocabulary vocabulary, int dim, int heads, int ffn, int projectionDim) {
        return forVocabulary(Architecture.TRANSFORMER, vocabulary, dim, heads, ffn, projectionDim);
    }

    public static SentenceEncoder forVocabulary(Architecture architecture, Vocabulary vocabulary, int dim, int heads, int ffn,
                                                int projectionDim) {
        return new SentenceEncoder(architecture, vocabulary.rows(), vocabulary.maxTokens(), dim, heads, ffn, projectionDim);
    }

    /** The exported inference graph: the {@link TokenBatch} placeholders of input {@link #TOKENS} → {@link #EMBEDDING} {@code [n, p]}. */
    public SameDiff inferenceGraph(DataType type) {
        SameDiff sd = SameDiff.create();
        encode(sd, TOKENS, EMBEDDING, false, type);
        return sd;
    }

    /** Copies every trainable variable of {@code inference} from the same-named variable of {@code trained}. */
    public static void copyWeights(SameDiff trained, SameDiff inference) {
        inference.variables().stream().filter(v -> v.getVariableType() == VariableType.VARIABLE)
                .forEach(v -> v.getArr().assign(trained.getVariable(v.name()).getArr()));
    }

    public static String embeddingDropout(String input) {
        return input + "_drop_embedding";
    }

    public static String ffnDropout(String input) {
        return input + "_drop_ffn";
    }

    /**
     * Defines the {@link TokenBatch} placeholders of {@code input} and returns the embeddings {@code [n, p]}, named
     * {@code output}. Weights are created on first use and shared afterwards.
     */
    public SDVariable encode(SameDiff sd, String input, String output, boolean dropout, DataType type) {
        // products with averaging and one-hot matrices, not gather: M2.1's gather has no usable backward pass
        SDVariable table = gaussian(sd, "embedding_table", type, rows, dim);
        SDVariable words = sd.placeHolder(TokenBatch.wordsInput(input), type, -1, rows).mmul(table);        // [u, dim]
        SDVariable tokens = sd.placeHolder(TokenBatch.tokensInput(input), type, -1, -1);
        SDVariable tokenMask = sd.reshape(tokens.sum(true, 1), -1, maxTokens, 1);            // [n, T, 1]
        SDVariable x = sd.reshape(tokens.mmul(words), -1, maxTokens, dim);
        if (architecture == Architecture.TRANSFORMER) {
            x = x.add(gaussian(sd, "position", type, 1, maxTokens, dim));
        }
        if (dropout) {
            x = x.mul(sd.placeHolder(embeddingDropout(input), type, -1, maxTokens, dim));
        }
        if (architecture == Architecture.TRANSFORMER) {
            x = x.add(attention(sd, layerNorm(sd, x, "norm_attention", type), tokenMask, type));
            SDVariable hidden = sd.nn.relu(dense(sd, layerNorm(sd, x, "norm_ffn", type), "ffn_in", dim, ffn, type), 0);
            if (dropout) {
                hidden = hidden.mul(sd.placeHolder(ffnDropout(input), type, -1, maxTokens, ffn));
            }
            x = layerNorm(sd, x.add(dense(sd, hidden, "ffn_out", ffn, dim, type)), "norm_out", type);
        }

        // mean over real tokens; keepDims sums (M2.1's backward of a sum without keepDims fails)
        SDVariable tokenCount = sd.math.max(tokenMask.sum(true, 1), sd.constant(1.0).castTo(type));
        SDVariable pooled = sd.reshape(x.mul(tokenMask).sum(true, 1).div(tokenCount), -1, dim);
        SDVariable w = param(sd, "projection_W", type, new XavierInitScheme('c', dim, projectionDim), dim, projectionDim);
        SDVariable b = param(sd, "projection_b", type, new ZeroInitScheme('c'), 1, projectionDim);
        return sd.identity(output, pooled.mmul(w).add(b));
    }

    /** Multi-head scaled dot-product self-attention over {@code x} {@code [n, T, dim]}; padding keys get no weight. */
    private SDVariable attention(SameDiff sd, SDVariable x, SDVariable tokenMask, DataType type) {
        int headDim = dim / heads;
        SDVariable q = heads(sd, dense(sd, x, "attention_q", dim, dim, type), headDim);
        SDVariable k = heads(sd, dense(sd, x, "attention_k", dim, dim, type), headDim);
        SDVariable v = heads(sd, dense(sd, x, "attention_v", dim, dim, type), headDim);
        SDVariable keyBias = sd.reshape(tokenMask, -1, 1, 1, maxTokens).sub(1.0).mul(-MASKED_LOGIT);
        SDVariable logits = sd.mmul(q, k, false, true, false).mul(1.0 / Math.sqrt(headDim)).add(keyBias);
        SDVariable context = sd.mmul(sd.nn.softmax(logits, 3), v);                            // [n, h, T, hd]
        SDVariable merged = sd.reshape(sd.permute(context, 0, 2, 1, 3), -1, maxTokens, dim);
        return dense(sd, merged, "attention_out", dim, dim, type);
    }

    /** {@code [n, T, dim]} → {@code [n, heads, T, dim / heads]}. */
    private SDVariable heads(SameDiff sd, SDVariable x, int headDim) {
        return sd.permute(sd.reshape(x, -1, maxTokens, heads, headDim), 0, 2, 1, 3);
    }

    /** {@code x W + b} on the last axis of {@code x} {@code [n, T, in]}. */
    private SDVariable dense(SameDiff sd, SDVariable x, String name, int in, int out, DataType type) {
        SDVariable w = param(sd, name + "_W", type, new XavierInitScheme('c', in, out), in, out);
        SDVariable b = param(sd, name + "_b", type, new ZeroInitScheme('c'), 1, out);
        return sd.reshape(sd.reshape(x, -1, in).mmul(w).add(b), -1, maxTokens, out);
    }

    private SDVariable layerNorm(SameDiff sd, SDVariable x, String name, DataType type) {
        SDVariable gain = param(sd, name + "_gain", type, new OneInitScheme('c'), dim);
        SDVariable bias = param(sd, name + "_bias", type, new ZeroInitScheme('c'), dim);
        return sd.nn.layerNorm(x, gain, bias, false, 2);
    }

    /** Embedding rows start as N(0, 0.1²), drawn from ND4J's (seeded) generator. */
    private static SDVariable gaussian(SameDiff sd, String name, DataType type, long... shape) {
        return sd.hasVariable(name) ? sd.getVariable(name) : sd.var(name, Nd4j.randn(type, shape).muli(0.1));
    }

    private static SDVariable param(SameDiff sd, String name, DataType type, WeightInitScheme init, long... shape) {
        return sd.hasVariable(name) ? sd.getVariable(name) : sd.var(name, init, type, shape);
    }
}
