package dev.jllm.runtime.model;

import dev.jllm.models.ModelFormatException;
import dev.jllm.models.gguf.GgufFile;
import dev.jllm.runtime.parallel.WorkerPool;
import java.util.ArrayList;
import java.util.List;

/**
 * A BERT-family text encoder ({@link Architecture#encoder()}) over the weights of a GGUF file: it embeds a text,
 * nothing else. The input is the token embeddings plus the first token-type row (and the learned positions, for
 * BERT), LayerNormed; the blocks are the family's {@link Encoder} ({@link BertEncoder}, {@link NomicBertEncoder})
 * with all tokens of the text seeing each other; the output is pooled as the file's {@code <arch>.pooling_type}
 * says (mean, first token or last token), as llama.cpp's {@code llama-embedding} computes it. No KV cache: texts
 * are evaluated in one pass, several together when they fit the context (each attending only to itself). One call
 * at a time (calls are serialised). The GGUF file stays the caller's.
 */
public final class EncoderModel implements Embedder, AutoCloseable {

    private final Pooling pooling;
    private final WorkerPool pool;
    /** The family's blocks, which also hold the config, the weights and the shared ops. */
    private final Encoder encoder;

    private EncoderModel(ModelConfig config, EncoderWeights weights, Pooling pooling, EngineOptions options) {
        this.pooling = pooling;
        this.pool = new WorkerPool(options.threads());
        this.encoder = Encoder.of(config, weights, new ForwardOps(config, options, pool));
    }

    /**
     * Reads the config, the pooling and the weights of an encoder GGUF.
     *
     * @throws ModelFormatException for a file that is not an encoder, a pooling that gives no text embedding
     *                              (none, or rank: a reranker), or missing / misshapen tensors
     */
    public static EncoderModel load(GgufFile gguf, EngineOptions options) {
        ModelConfig config = ModelConfig.fromGguf(gguf);
        return load(WeightSource.of(gguf), config, poolingOf(gguf, config.architecture()), options);
    }

    /** As {@link #load(GgufFile, EngineOptions)} from any weight source (a quantizing view, say). */
    public static EncoderModel load(WeightSource source, ModelConfig config, Pooling pooling, EngineOptions options) {
        if (!config.architecture().encoder()) {
            throw new ModelFormatException(config.architecture().ggufName() + " is not an encoder architecture");
        }
        if (pooling != Pooling.MEAN && pooling != Pooling.CLS && pooling != Pooling.LAST) {
            throw new ModelFormatException("pooling_type " + pooling.cliName() + " gives no text embedding (supported:"
                    + " mean, cls, last)");
        }
        return new EncoderModel(config, EncoderWeights.load(source, config, options.vectorized()), pooling, options);
    }

    /** The file's {@code <arch>.pooling_type}; llama.cpp's default when absent is none. */
    public static Pooling poolingOf(GgufFile gguf, Architecture arch) {
        return Pooling.of(gguf.integer(arch.ggufName() + ".pooling_type", 0));
    }

    public ModelConfig config() {
        return encoder.c;
    }

    public Pooling pooling() {
        return pooling;
    }

    @Override
    public int embeddingLength() {
        return encoder.c.embeddingLength();
    }

    @Override
    public float[] embed(int[] tokens) {
        return embedAll(List.of(tokens)).getFirst();
    }

    /**
     * Evaluates the texts together, as many at a time as fit the model's context in all (at least one): each
     * weight matrix is read once for all their tokens, while each text's attention stays within the text.
     */
    @Override
    public synchronized List<float[]> embedAll(List<int[]> texts) {
        for (int[] tokens : texts) {
            check(tokens);
        }
        List<float[]> out = new ArrayList<>(texts.size());
        int from = 0;
        while (from < texts.size()) {
            int to = from + 1;
            int total = texts.get(from).length;
            while (to < texts.size() && total + texts.get(to).length <= encoder.c.contextLength()) {
                total += texts.get(to++).length;
            }
            out.addAll(evaluate(texts.subList(from, to), total));
            from = to;
        }
        return out;
    }

    private void check(int[] tokens) {
        if (tokens.length == 0) {
            throw new IllegalArgumentException("nothing to embed: no tokens");
        }
        if (tokens.length > encoder.c.contextLength()) {
            throw new IllegalArgumentException("the input has " + tokens.length + " tokens; the model's context is "
                    + encoder.c.contextLength());
        }
        for (int token : tokens) {
            if (token < 0 || token >= encoder.c.vocabSize()) {
                throw new IllegalArgumentException("token " + token + " is outside the vocabulary [0, "
                        + encoder.c.vocabSize() + ")");
            }
        }
    }

    /** One pass over the {@code n} tokens of {@code texts}, back to back; their pooled outputs. */
    private List<float[]> evaluate(List<int[]> texts, int n) {
        int width = encoder.c.embeddingLength();
        ForwardBuffers b = encoder.ops.b;
        b.ensure(n);
        int[] positions = new int[n];
        int[] first = new int[n];
        int[] end = new int[n];
        int t = 0;
        for (int[] tokens : texts) {
            int start = t;
            for (int p = 0; p < tokens.length; p++, t++) {
                positions[t] = p;
                first[t] = start;
                end[t] = start + tokens.length;
                encoder.input(tokens[p], p, b.x, t * width);
            }
        }
        encoder.prepare(positions, n);
        for (int l = 0; l < encoder.c.blockCount(); l++) {
            encoder.layer(l, n, first, end);
        }
        List<float[]> pooled = new ArrayList<>(texts.size());
        int start = 0;
        for (int[] tokens : texts) {
            pooled.add(pool(b.x, start, tokens.length));
            start += tokens.length;
        }
        return pooled;
    }

    /** The pooled output of the {@code count} tokens from {@code first}. */
    private float[] pool(float[] x, int first, int count) {
        int width = encoder.c.embeddingLength();
        float[] out = new float[width];
        switch (pooling) {
            case CLS -> System.arraycopy(x, first * width, out, 0, width);
            case LAST -> System.arraycopy(x, (first + count - 1) * width, out, 0, width);
            default -> {
                for (int t = first; t < first + count; t++) {
                    encoder.ops.kernels.add(x, t * width, out, 0, width);
                }
                for (int i = 0; i < width; i++) {
                    out[i] /= count;
                }
            }
        }
        return out;
    }

    /** Stops the worker threads (the GGUF file stays open: it belongs to the caller). */
    @Override
    public void close() {
        pool.close();
    }
}
