package dev.jllm.runtime.model;

import dev.jllm.models.gguf.GgufFile;
import dev.jllm.runtime.kv.KvCache;
import dev.jllm.runtime.kv.KvLayout;
import dev.jllm.runtime.kv.SequenceCache;
import dev.jllm.runtime.parallel.WorkerPool;
import dev.jllm.runtime.tensor.Kernels;
import dev.jllm.runtime.tensor.WeightTensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A Llama-family decoder (llama, qwen2, qwen3) over the weights of a GGUF file: one forward function,
 * architecture differences (biases, q/k norms, RoPE order, tied output) coming from the config and the
 * optional tensors.
 *
 * <p>{@link #forward} evaluates a {@link Batch} of tokens of one or several sequences in one pass: each
 * weight matrix is multiplied by all the batch's activation vectors at once, keys and values go to the
 * caller's {@link KvCache}, attention is causal per sequence. A token's logits are bit-identical whether
 * it is evaluated alone, in a prompt, or beside other sequences, and for any thread count.
 *
 * <p>The model does not own the {@link GgufFile}: keep it open while the model is used. One forward pass
 * runs at a time (calls are serialised).
 */
public final class LlamaModel implements AutoCloseable {

    /** Larger batches are evaluated in micro-batches of this many tokens, bounding the activation buffers. */
    public static final int MAX_MICRO_BATCH = 512;

    private final ModelConfig config;
    private final ModelWeights weights;
    private final EngineOptions options;
    private final Kernels kernels;
    private final WorkerPool pool;
    private final Rope rope;
    private final float attentionScale;
    private final ForwardBuffers buffers;
    private final float[][] scores;

    private LlamaModel(ModelConfig config, ModelWeights weights, EngineOptions options) {
        this.config = config;
        this.weights = weights;
        this.options = options;
        this.kernels = Kernels.of(options.vectorized());
        this.rope = new Rope(config, weights.ropeFreqs());
        this.attentionScale = (float) (1.0 / Math.sqrt(config.keyLength()));
        this.buffers = new ForwardBuffers(config);
        this.pool = new WorkerPool(options.threads());
        this.scores = new float[options.threads()][0];
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
     * @throws dev.jllm.models.ModelFormatException for an unsupported weight type or missing / misshapen tensors
     */
    public static LlamaModel load(WeightSource weights, ModelConfig config, EngineOptions options) {
        return new LlamaModel(config, ModelWeights.load(weights, config, options.vectorized()), options);
    }

    public ModelConfig config() {
        return config;
    }

    public EngineOptions options() {
        return options;
    }

    /** A KV cache for the model's full training context, within half of the maximum heap. */
    public KvCache newKvCache() {
        return newKvCache(config.contextLength(), Runtime.getRuntime().maxMemory() / 2);
    }

    /** A KV cache limiting each sequence to {@code maxContext} positions and all pages to {@code maxBytes}. */
    public KvCache newKvCache(int maxContext, long maxBytes) {
        return new KvCache(new KvLayout(config.blockCount(), config.keyWidth(), config.valueWidth(), maxContext,
                KvLayout.DEFAULT_PAGE_SIZE, maxBytes));
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
                forwardMicroBatch(batch, start, Math.min(n, start + MAX_MICRO_BATCH), kv, logits);
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

    private void forwardMicroBatch(Batch batch, int from, int to, KvCache kv, float[][] logits) {
        int n = to - from;
        ModelConfig c = config;
        ForwardBuffers b = buffers;
        b.ensure(n);
        int width = c.embeddingLength();
        int ropeDims = c.ropeDimensions();
        SequenceCache[] seqs = new SequenceCache[n];
        int[] positions = new int[n];
        for (int t = 0; t < n; t++) {
            seqs[t] = kv.sequence(batch.sequenceId(from + t));
            positions[t] = batch.position(from + t);
            rope.fill(positions[t], b.ropeCos, b.ropeSin, t * ropeDims);
            weights.tokenEmbedding().dequantizeRow(batch.token(from + t), b.x, t * width);
        }

        for (int l = 0; l < c.blockCount(); l++) {
            LayerWeights w = weights.layers()[l];
            rmsnormRows(b.x, b.xb, w.attnNorm(), n);
            attentionBlock(l, w, n, seqs, positions);
            rmsnormRows(b.x, b.xb, w.ffnNorm(), n);
            feedForwardBlock(w, n);
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
            kernels.rmsnorm(b.xb, i * width, b.x, rows[i] * width, weights.outputNorm(), width, c.rmsEpsilon());
        }
        int vocab = c.vocabSize();
        float[] out = new float[m * vocab];
        matmul(weights.output(), b.xb, m, out);
        for (int i = 0; i < m; i++) {
            // a single row is handed out as is; several are split into one array each
            float[] row = m == 1 ? out : Arrays.copyOfRange(out, i * vocab, (i + 1) * vocab);
            if (weights.outputBias() != null) {
                kernels.add(weights.outputBias(), 0, row, 0, vocab);
            }
            logits[from + rows[i]] = row;
        }
    }

    private void attentionBlock(int layer, LayerWeights w, int n, SequenceCache[] seqs, int[] positions) {
        ModelConfig c = config;
        ForwardBuffers b = buffers;
        int qw = c.queryWidth();
        int kw = c.keyWidth();
        int vw = c.valueWidth();
        matmul(w.wq(), b.xb, n, b.q);
        matmul(w.wk(), b.xb, n, b.k);
        matmul(w.wv(), b.xb, n, b.v);
        int hk = c.keyLength();
        int ropeDims = c.ropeDimensions();
        forTokens(n, (long) (qw + kw) * 4, t -> {
            if (w.bq() != null) {
                kernels.add(w.bq(), 0, b.q, t * qw, qw);
            }
            if (w.bk() != null) {
                kernels.add(w.bk(), 0, b.k, t * kw, kw);
            }
            if (w.bv() != null) {
                kernels.add(w.bv(), 0, b.v, t * vw, vw);
            }
            if (w.qNorm() != null) {
                for (int h = 0; h < c.headCount(); h++) {
                    int off = t * qw + h * hk;
                    kernels.rmsnorm(b.q, off, b.q, off, w.qNorm(), hk, c.rmsEpsilon());
                }
                for (int h = 0; h < c.headCountKv(); h++) {
                    int off = t * kw + h * hk;
                    kernels.rmsnorm(b.k, off, b.k, off, w.kNorm(), hk, c.rmsEpsilon());
                }
            }
            kernels.rope(b.q, t * qw, c.headCount(), hk, ropeDims, c.ropeOrder(), b.ropeCos, b.ropeSin, t * ropeDims);
            kernels.rope(b.k, t * kw, c.headCountKv(), hk, ropeDims, c.ropeOrder(), b.ropeCos, b.ropeSin, t * ropeDims);
        });
        for (int t = 0; t < n; t++) {
            SequenceCache s = seqs[t];
            int p = positions[t];
            System.arraycopy(b.k, t * kw, s.keyPages(layer)[p >> s.pageShift()], s.offset(p) * kw, kw);
            System.arraycopy(b.v, t * vw, s.valuePages(layer)[p >> s.pageShift()], s.offset(p) * vw, vw);
        }
        attention(layer, n, seqs, positions);
        matmul(w.wo(), b.att, n, b.xb2);
        addToResidual(w.bo(), n);
    }

    /** Causal grouped-query attention of every (token, head) over its sequence's cached positions. */
    private void attention(int layer, int n, SequenceCache[] seqs, int[] positions) {
        ModelConfig c = config;
        ForwardBuffers b = buffers;
        int heads = c.headCount();
        int group = heads / c.headCountKv();
        int hk = c.keyLength();
        int hv = c.valueLength();
        int qw = c.queryWidth();
        int kw = c.keyWidth();
        int vw = c.valueWidth();
        int maxPos = 0;
        for (int t = 0; t < n; t++) {
            maxPos = Math.max(maxPos, positions[t]);
        }
        for (int i = 0; i < scores.length; i++) {
            if (scores[i].length <= maxPos) {
                scores[i] = new float[Math.max(maxPos + 1, 2 * scores[i].length)];
            }
        }
        float scale = attentionScale;
        long workPerItem = (long) (maxPos + 1) * (hk + hv);
        pool.forRange(n * heads, minItems(workPerItem, n * heads), (worker, from, to) -> {
            float[] sc = scores[worker];
            for (int item = from; item < to; item++) {
                int t = item / heads;
                int h = item % heads;
                SequenceCache s = seqs[t];
                float[][] keys = s.keyPages(layer);
                float[][] values = s.valuePages(layer);
                int shift = s.pageShift();
                int pos = positions[t];
                int kOff = (h / group) * hk;
                int vOff = (h / group) * hv;
                int qOff = t * qw + h * hk;
                for (int j = 0; j <= pos; j++) {
                    sc[j] = kernels.dot(b.q, qOff, keys[j >> shift], s.offset(j) * kw + kOff, hk) * scale;
                }
                kernels.softmax(sc, 0, pos + 1);
                int outOff = t * heads * hv + h * hv;
                Arrays.fill(b.att, outOff, outOff + hv, 0f);
                for (int j = 0; j <= pos; j++) {
                    kernels.axpy(sc[j], values[j >> shift], s.offset(j) * vw + vOff, b.att, outOff, hv);
                }
            }
        });
    }

    private void feedForwardBlock(LayerWeights w, int n) {
        ForwardBuffers b = buffers;
        int ff = config.feedForwardLength();
        matmul(w.wGate(), b.xb, n, b.hb);
        matmul(w.wUp(), b.xb, n, b.hb2);
        forTokens(n, (long) ff * 8, t -> {
            if (w.bGate() != null) {
                kernels.add(w.bGate(), 0, b.hb, t * ff, ff);
            }
            if (w.bUp() != null) {
                kernels.add(w.bUp(), 0, b.hb2, t * ff, ff);
            }
            kernels.swiglu(b.hb, t * ff, b.hb2, t * ff, ff);
        });
        matmul(w.wDown(), b.hb, n, b.xb2);
        addToResidual(w.bDown(), n);
    }

    /** {@code x += xb2 (+ bias)} for every token. */
    private void addToResidual(float[] bias, int n) {
        ForwardBuffers b = buffers;
        int width = config.embeddingLength();
        for (int t = 0; t < n; t++) {
            if (bias != null) {
                kernels.add(bias, 0, b.xb2, t * width, width);
            }
            kernels.add(b.xb2, t * width, b.x, t * width, width);
        }
    }

    private void rmsnormRows(float[] in, float[] out, float[] weight, int n) {
        int width = config.embeddingLength();
        float eps = config.rmsEpsilon();
        forTokens(n, (long) width * 3, t -> kernels.rmsnorm(out, t * width, in, t * width, weight, width, eps));
    }

    /** {@code out[t][r] = w[r] . in[t]} for all rows and tokens, rows split across the pool. */
    private void matmul(WeightTensor w, float[] in, int n, float[] out) {
        int rows = w.rows();
        int cols = w.cols();
        pool.forRange(rows, minItems((long) cols * n, rows),
                (worker, from, to) -> w.matmul(from, to, in, cols, n, out, rows));
    }

    private interface TokenTask {
        void run(int token);
    }

    private void forTokens(int n, long workPerToken, TokenTask task) {
        pool.forRange(n, minItems(workPerToken, n), (worker, from, to) -> {
            for (int t = from; t < to; t++) {
                task.run(t);
            }
        });
    }

    /** Items per thread so that each thread gets at least {@code minWorkPerThread} of work. */
    private int minItems(long workPerItem, int items) {
        long perThread = (options.minWorkPerThread() + workPerItem - 1) / Math.max(1, workPerItem);
        return (int) Math.max(1, Math.min(items, perThread));
    }

    /** Stops the worker threads (the GGUF file stays open: it belongs to the caller). */
    @Override
    public void close() {
        pool.close();
    }
}
