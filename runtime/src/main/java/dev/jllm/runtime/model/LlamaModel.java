package dev.jllm.runtime.model;

import dev.jllm.models.gguf.GgufFile;
import dev.jllm.runtime.kv.KvCache;
import dev.jllm.runtime.kv.KvLayout;
import dev.jllm.runtime.kv.KvType;
import dev.jllm.runtime.kv.SequenceCache;
import dev.jllm.runtime.parallel.WorkerPool;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A decoder-only transformer over the weights of a GGUF file, for every {@link Architecture} (the name is
 * historical): this class checks batches, manages the KV cache and micro-batches, looks up embeddings and
 * computes the output logits; the layers are computed by the architecture family's {@link Decoder}
 * ({@link LlamaDecoder}, {@link Phi3Decoder}, {@link GemmaDecoder},
 * {@link GraniteDecoder}) from the shared {@link ForwardOps} and {@link MoeFeedForward}.
 *
 * <p>{@link #forward} evaluates a {@link Batch} of tokens of one or several sequences in one pass: each
 * weight matrix is multiplied by all the batch's activation vectors at once, keys and values go to the
 * caller's {@link KvCache}, attention is causal per sequence. A token's logits are bit-identical whether
 * it is evaluated alone, in a prompt, or beside other sequences, and for any thread count.
 *
 * <p>The model does not own the {@link GgufFile}: keep it open while the model is used. One forward pass
 * runs at a time (calls are serialised).
 */
public final class LlamaModel implements Embedder, AutoCloseable {

    /** Larger batches are evaluated in micro-batches of this many tokens, bounding the activation buffers. */
    public static final int MAX_MICRO_BATCH = 512;

    private final ModelConfig config;
    private final ModelWeights weights;
    private final EngineOptions options;
    private final WorkerPool pool;
    private final ForwardOps ops;
    private final Decoder decoder;

    private LlamaModel(ModelConfig config, ModelWeights weights, EngineOptions options) {
        this.config = config;
        this.weights = weights;
        this.options = options;
        // first: a failure here (the copies' memory) leaves no worker threads behind
        prepare(weights.matrices(), options.threads());
        this.pool = new WorkerPool(options.threads());
        this.ops = new ForwardOps(config, options, pool);
        this.decoder = Decoder.of(config, weights, ops);
    }

    /**
     * Prepares the matrices now (the integer kernels' repacking): their copies allocated one after another, in the
     * order the forward pass reads them, then filled several at once on {@code threads} threads. Left to each
     * matrix's first matmul, it ran one matrix at a time while the other threads waited, and the first prompt waited
     * for all of them (tl-Q8_0 and tl-Q4_K_M, 2 threads: about 7 s each). The copies are allocated on one thread
     * because allocating them on several at once interleaves their pages, which measured about 3% slower decoding
     * side by side in one process (tl-Q4_K_M, 0.972 over 8 rounds, within the host's noise but below 1 in six).
     */
    private static void prepare(List<dev.jllm.runtime.tensor.WeightTensor> matrices, int threads) {
        matrices.forEach(dev.jllm.runtime.tensor.WeightTensor::reserve);
        if (threads <= 1) {
            matrices.forEach(dev.jllm.runtime.tensor.WeightTensor::prepare);
            return;
        }
        try (java.util.concurrent.ForkJoinPool fj = new java.util.concurrent.ForkJoinPool(threads)) {
            fj.submit(() -> matrices.parallelStream().forEach(dev.jllm.runtime.tensor.WeightTensor::prepare)).join();
        }
    }

    /** Loads with {@link EngineOptions#defaults()}. */
    public static LlamaModel load(GgufFile gguf) {
        return load(gguf, EngineOptions.defaults());
    }

    /**
     * Reads the config and maps the weights of {@code gguf}.
     *
     * @throws dev.jllm.models.ModelFormatException for an unsupported architecture or weight type, or
     *                                              missing / misshapen tensors
     */
    public static LlamaModel load(GgufFile gguf, EngineOptions options) {
        return load(WeightSource.of(gguf), ModelConfig.fromGguf(gguf), options);
    }

    /**
     * Builds the model from any weight source (a GGUF file, a Hugging Face checkpoint, a quantizing view): the
     * config says what to compute, the source gives the tensors by their GGUF names.
     *
     * @throws dev.jllm.models.ModelFormatException for an encoder, an unsupported weight type or missing / misshapen
     *                                              tensors
     */
    public static LlamaModel load(WeightSource weights, ModelConfig config, EngineOptions options) {
        if (config.architecture().encoder()) {
            throw new dev.jllm.models.ModelFormatException(config.architecture().ggufName() + " is an embedding model"
                    + " (an encoder): it embeds texts (EncoderModel) and does not generate");
        }
        return new LlamaModel(config, ModelWeights.load(weights, config, options.vectorized()), options);
    }

    public ModelConfig config() {
        return config;
    }

    /** The weights (tests). */
    ModelWeights weights() {
        return weights;
    }

    public EngineOptions options() {
        return options;
    }

    /** An F32 KV cache for the model's full training context, within half of the maximum heap. */
    public KvCache newKvCache() {
        return newKvCache(config.contextLength(), Runtime.getRuntime().maxMemory() / 2);
    }

    /** An F32 KV cache limiting each sequence to {@code maxContext} positions and all pages to {@code maxBytes}. */
    public KvCache newKvCache(int maxContext, long maxBytes) {
        return newKvCache(maxContext, maxBytes, KvType.F32);
    }

    /**
     * A KV cache of {@code type} limiting each sequence to {@code maxContext} positions and all pages to
     * {@code maxBytes}.
     *
     * @throws IllegalArgumentException when the model's head width is not a multiple of the type's block (Q8_0
     *                                  needs multiples of 32, as in llama.cpp)
     */
    public KvCache newKvCache(int maxContext, long maxBytes, KvType type) {
        return new KvCache(kvLayout(maxContext, maxBytes, type));
    }

    /** The layout of a KV cache of {@code type} for this model (what a position costs: {@link KvLayout#positionBytes()}). */
    public KvLayout kvLayout(int maxContext, long maxBytes, KvType type) {
        type.checkHeads(config.keyLength(), config.valueLength());
        return new KvLayout(config.blockCount(), config.keyWidth(), config.valueWidth(), maxContext,
                KvLayout.DEFAULT_PAGE_SIZE, maxBytes, type);
    }

    /**
     * Evaluates {@code batch}, appending its keys and values to {@code kv}, and returns the logits of the
     * entries that asked for them. On failure (bad batch, context overflow, full cache) the cache is left as it
     * was: no sequence length changes and sequences first seen in this batch are not kept.
     *
     * @throws IllegalArgumentException for an empty batch, a token outside the vocabulary or positions that
     *                                  do not continue their sequence
     * @throws dev.jllm.runtime.kv.ContextOverflowException when a sequence would exceed the context
     * @throws dev.jllm.runtime.kv.KvCacheFullException    when the cache budget is exhausted
     */
    public synchronized Logits forward(Batch batch, KvCache kv) {
        return evaluate(batch, kv, null);
    }

    /**
     * The mean of the final-normed hidden states of {@code tokens}, evaluated as one sequence from position 0 in a
     * cache of its own: what llama.cpp's {@code --pooling mean} embeds (before normalization). Causal attention,
     * as the model was trained.
     *
     * @throws IllegalArgumentException for no tokens, a token outside the vocabulary, or more tokens than the
     *                                  model's context
     */
    public synchronized float[] meanPooled(int[] tokens) {
        if (tokens.length == 0) {
            throw new IllegalArgumentException("nothing to embed: no tokens");
        }
        if (tokens.length > config.contextLength()) {
            throw new IllegalArgumentException("the input has " + tokens.length + " tokens; the model's context is "
                    + config.contextLength());
        }
        int page = KvLayout.DEFAULT_PAGE_SIZE;
        int context = (tokens.length + page - 1) / page * page;
        KvLayout exact = kvLayout(context, 1, KvType.F32);
        KvCache kv = newKvCache(context, (long) (exact.maxPages() + 1) * exact.layers() * exact.pageBytes());
        float[] sum = new float[config.embeddingLength()];
        Batch batch = new Batch(tokens.length);
        for (int i = 0; i < tokens.length; i++) {
            batch.add(tokens[i], i, 0, false);
        }
        evaluate(batch, kv, sum);
        for (int i = 0; i < sum.length; i++) {
            sum[i] /= tokens.length;
        }
        return sum;
    }

    @Override
    public int embeddingLength() {
        return config.embeddingLength();
    }

    /** {@link #meanPooled}: decoders embed by the mean of their final states. */
    @Override
    public float[] embed(int[] tokens) {
        return meanPooled(tokens);
    }

    /** {@link #forward}, also adding every token's final-normed hidden state into {@code pooled} when given. */
    private Logits evaluate(Batch batch, KvCache kv, float[] pooled) {
        int n = batch.size();
        if (n == 0) {
            throw new IllegalArgumentException("empty batch");
        }
        checkLayout(kv.layout());
        Map<Integer, Integer> ends = validate(batch, kv);
        List<Integer> created = new ArrayList<>();
        for (int seq : ends.keySet()) {
            if (!kv.contains(seq)) {
                created.add(seq);
            }
        }
        float[][] logits = new float[n][];
        boolean done = false;
        try {
            for (Map.Entry<Integer, Integer> e : ends.entrySet()) {
                kv.sequence(e.getKey()).reserve(e.getValue());
            }
            for (int start = 0; start < n; start += MAX_MICRO_BATCH) {
                forwardMicroBatch(batch, start, Math.min(n, start + MAX_MICRO_BATCH), kv, logits, pooled);
            }
            for (Map.Entry<Integer, Integer> e : ends.entrySet()) {
                kv.sequence(e.getKey()).commit(e.getValue());
            }
            done = true;
        } finally {
            if (!done) {
                // Leave the cache as it was: forget sequences this call created, release pages it reserved.
                for (int seq : ends.keySet()) {
                    if (created.contains(seq)) {
                        kv.drop(seq);
                    } else if (kv.contains(seq)) {
                        kv.truncate(seq, kv.length(seq));
                    }
                }
            }
        }
        return new Logits(config.vocabSize(), logits);
    }

    private void checkLayout(KvLayout layout) {
        if (layout.layers() != config.blockCount() || layout.keyWidth() != config.keyWidth()
                || layout.valueWidth() != config.valueWidth()) {
            throw new IllegalArgumentException("KV cache layout " + layout + " does not fit this model");
        }
        layout.type().checkHeads(config.keyLength(), config.valueLength());
    }

    /** Checks tokens and positions; returns each sequence's length after the batch, in order of appearance. */
    private Map<Integer, Integer> validate(Batch batch, KvCache kv) {
        Map<Integer, Integer> next = new LinkedHashMap<>();
        for (int i = 0; i < batch.size(); i++) {
            int token = batch.token(i);
            if (token < 0 || token >= config.vocabSize()) {
                throw new IllegalArgumentException("batch entry " + i + ": token " + token
                        + " is outside the vocabulary [0, " + config.vocabSize() + ")");
            }
            int seq = batch.sequenceId(i);
            int expected = next.computeIfAbsent(seq, kv::length);
            if (batch.position(i) != expected) {
                throw new IllegalArgumentException("batch entry " + i + ": sequence " + seq + " continues at position "
                        + expected + ", got " + batch.position(i));
            }
            next.put(seq, expected + 1);
        }
        return next;
    }

    private void forwardMicroBatch(Batch batch, int from, int to, KvCache kv, float[][] logits, float[] pooled) {
        int n = to - from;
        ModelConfig c = config;
        ForwardBuffers b = ops.b;
        b.ensure(n);
        int width = c.embeddingLength();
        SequenceCache[] seqs = new SequenceCache[n];
        int[] positions = new int[n];
        float embeddingScale = decoder.embeddingScale();
        for (int t = 0; t < n; t++) {
            seqs[t] = kv.sequence(batch.sequenceId(from + t));
            positions[t] = batch.position(from + t);
            weights.tokenEmbedding().dequantizeRow(batch.token(from + t), b.x, t * width);
            if (embeddingScale != 1f) {
                for (int i = t * width; i < (t + 1) * width; i++) {
                    b.x[i] *= embeddingScale;
                }
            }
        }
        Step step = new Step(n, seqs, positions, kv.layout().rows(options.vectorized()));
        decoder.prepare(step, kv.layout().maxContext());
        for (int l = 0; l < c.blockCount(); l++) {
            decoder.layer(l, step);
        }

        if (pooled != null) {
            for (int t = 0; t < n; t++) {
                ops.kernels.rmsnorm(b.xb, 0, b.x, t * width, weights.outputNorm(), width, c.rmsEpsilon());
                for (int i = 0; i < width; i++) {
                    pooled[i] += b.xb[i];
                }
            }
        }
        int m = 0;
        int[] rows = new int[n];
        for (int t = 0; t < n; t++) {
            if (batch.wantsLogits(from + t)) {
                rows[m++] = t;
            }
        }
        if (m == 0) {
            return;
        }
        // Gather the rows that want logits into xb, final norm, then the output matrix.
        for (int i = 0; i < m; i++) {
            ops.kernels.rmsnorm(b.xb, i * width, b.x, rows[i] * width, weights.outputNorm(), width, c.rmsEpsilon());
        }
        int vocab = c.vocabSize();
        float[] out = new float[m * vocab];
        ops.matmul(weights.output(), b.xb, m, out);
        for (int i = 0; i < m; i++) {
            // a single row is handed out as is; several are split into one array each
            float[] row = m == 1 ? out : Arrays.copyOfRange(out, i * vocab, (i + 1) * vocab);
            if (weights.outputBias() != null) {
                ops.kernels.add(weights.outputBias(), 0, row, 0, vocab);
            }
            decoder.finishLogits(row, 0, vocab);
            logits[from + rows[i]] = row;
        }
    }

    /** Stops the worker threads (the GGUF file stays open: it belongs to the caller). */
    @Override
    public void close() {
        pool.close();
    }
}
