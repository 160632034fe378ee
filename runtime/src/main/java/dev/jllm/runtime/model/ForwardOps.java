package dev.jllm.runtime.model;

import dev.jllm.runtime.kv.KvRows;
import dev.jllm.runtime.kv.SequenceCache;
import dev.jllm.runtime.parallel.RowClaims;
import dev.jllm.runtime.parallel.WorkerPool;
import dev.jllm.runtime.tensor.Kernels;
import dev.jllm.runtime.tensor.WeightTensor;
import java.util.Arrays;

/**
 * The operations every architecture's layers are composed of, over the activations of one micro-batch in
 * {@link ForwardBuffers}: matrix products (rows split across the worker pool, {@link RowClaims}), RMS norms, q/k/v projections,
 * per-head norms, RoPE, attention (window and soft-cap options), gated feed-forward (SiLU or GELU-tanh) and the
 * residual add. Each output element is computed by one thread in a fixed order, so a token's result does not
 * depend on the batch or the thread count.
 */
final class ForwardOps {

    /** The gate's activation in a gated FFN: {@code act(gate) * up}. */
    enum Activation { SILU, GELU_TANH }

    final ModelConfig c;
    final ForwardBuffers b;
    final Kernels kernels;
    private final WorkerPool pool;
    private final EngineOptions options;
    private final float[][] scores;
    /** The rows of the matmuls in progress ({@link #matmul}, {@link #matmuls}; the pool runs one job at a time). */
    private final RowClaims[] claims;

    ForwardOps(ModelConfig c, EngineOptions options, WorkerPool pool) {
        this.c = c;
        this.options = options;
        this.pool = pool;
        this.kernels = Kernels.of(options.vectorized());
        this.b = new ForwardBuffers(c);
        this.scores = new float[options.threads()][0];
        this.claims = new RowClaims[] {
            new RowClaims(pool.threads()), new RowClaims(pool.threads()), new RowClaims(pool.threads())};
    }

    /** {@code out[t][r] = w[r] . in[t]} for all rows and tokens, rows split across the pool. */
    void matmul(WeightTensor w, float[] in, int n, float[] out) {
        int rows = w.rows();
        if (!BALANCED) {
            pool.forRange(rows, minItems((long) w.cols() * n, rows),
                    (worker, from, to) -> w.matmul(from, to, in, w.cols(), n, out, rows));
            return;
        }
        // each thread streams its own part, and takes over the tail of a part whose thread the host runs late
        // (one part: the caller alone, forRange runs it inline)
        int parts = reset(claims[0], w, n);
        pool.forRange(parts, (worker, from, to) -> w.matmulClaimed(claims[0], worker, in, w.cols(), n, out, rows));
    }

    /**
     * {@code w0 . in -> out0}, {@code w1 . in -> out1} and (unless {@code w2} is null) {@code w2 . in -> out2}, as
     * one job: a thread done with its rows of one matrix goes on to the next without waiting for the others, so
     * the step has one wait where it had three (q, k, v; gate and up). Each row is computed as by {@link #matmul}.
     */
    void matmuls(float[] in, int n, WeightTensor w0, float[] out0, WeightTensor w1, float[] out1, WeightTensor w2,
            float[] out2) {
        if (!BALANCED) {
            matmul(w0, in, n, out0);
            matmul(w1, in, n, out1);
            if (w2 != null) {
                matmul(w2, in, n, out2);
            }
            return;
        }
        int parts = Math.max(reset(claims[0], w0, n), reset(claims[1], w1, n));
        if (w2 != null) {
            parts = Math.max(parts, reset(claims[2], w2, n));
        }
        pool.forRange(parts, (worker, from, to) -> {
            w0.matmulClaimed(claims[0], worker, in, w0.cols(), n, out0, w0.rows());
            w1.matmulClaimed(claims[1], worker, in, w1.cols(), n, out1, w1.rows());
            if (w2 != null) {
                w2.matmulClaimed(claims[2], worker, in, w2.cols(), n, out2, w2.rows());
            }
        });
    }

    /** Sets {@code c} up for {@code w}'s rows and returns the parts they are split in (1: too little work to split). */
    private int reset(RowClaims c, WeightTensor w, int n) {
        int rows = w.rows();
        int min = minItems((long) w.cols() * n, rows);
        int parts = (int) Math.min(pool.threads(), Math.max(1, rows / min));
        c.reset(rows, Math.max(min, rows / (CHUNKS_PER_PART * parts)), parts);
        return parts;
    }

    /** System property: {@code balanced} (the default, {@link RowClaims}) or {@code static} (fixed parts). */
    static final String SPLIT_PROPERTY = "jllm.split";
    /**
     * Whether matmuls split rows with {@link RowClaims}. The fixed split stays selectable so that the two can be
     * measured side by side (bench/README.md, issue #18).
     */
    static final boolean BALANCED = balanced(System.getProperty(SPLIT_PROPERTY, "balanced"));
    /** Chunks each part is taken in: the grain at which a late thread's tail can be taken over. */
    private static final int CHUNKS_PER_PART = 8;

    static boolean balanced(String value) {
        return switch (value.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "balanced", "" -> true;
            case "static" -> false;
            default -> {
                System.getLogger(ForwardOps.class.getName()).log(System.Logger.Level.WARNING,
                        "-D" + SPLIT_PROPERTY + "=" + value + " is not balanced or static: balanced is used");
                yield true;
            }
        };
    }

    /** {@code out[t] = rmsnorm(in[t]) * weight} over rows of the model width. */
    void rmsnormRows(float[] in, float[] out, float[] weight, int n) {
        int width = c.embeddingLength();
        float eps = c.rmsEpsilon();
        forTokens(n, (long) width * 3, t -> kernels.rmsnorm(out, t * width, in, t * width, weight, width, eps));
    }

    /** q, k, v of every token from {@code xb}, with their biases when the layer has them. */
    void projectQkv(LayerWeights w, int n) {
        int qw = c.queryWidth();
        int kw = c.keyWidth();
        int vw = c.valueWidth();
        matmuls(b.xb, n, w.wq(), b.q, w.wk(), b.k, w.wv(), b.v);
        if (w.bq() == null && w.bk() == null && w.bv() == null) {
            return;
        }
        forTokens(n, qw + kw + vw, t -> {
            if (w.bq() != null) {
                kernels.add(w.bq(), 0, b.q, t * qw, qw);
            }
            if (w.bk() != null) {
                kernels.add(w.bk(), 0, b.k, t * kw, kw);
            }
            if (w.bv() != null) {
                kernels.add(w.bv(), 0, b.v, t * vw, vw);
            }
        });
    }

    /**
     * Per-head RMS norms of q and k (when the layer has them), then RoPE of both with {@code table} (null: no
     * RoPE), then q times {@code queryScale} (1: unchanged) as the families that pre-scale queries do.
     */
    void normRopeScale(LayerWeights w, RopeTable table, float queryScale, int n) {
        int qw = c.queryWidth();
        int kw = c.keyWidth();
        int hk = c.keyLength();
        int ropeDims = table == null ? 0 : table.rope.dims();
        forTokens(n, (long) (qw + kw) * 4, t -> {
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
            if (table != null) {
                kernels.rope(b.q, t * qw, c.headCount(), hk, ropeDims, c.ropeOrder(), table.cos, table.sin, t * ropeDims);
                kernels.rope(b.k, t * kw, c.headCountKv(), hk, ropeDims, c.ropeOrder(), table.cos, table.sin, t * ropeDims);
            }
            if (queryScale != 1f) {
                for (int i = t * qw; i < (t + 1) * qw; i++) {
                    b.q[i] *= queryScale;
                }
            }
        });
    }

    /** Appends every token's k and v to its sequence's cache of {@code layer}, converted to the cache's type. */
    void storeKv(int layer, Step s) {
        int kw = c.keyWidth();
        int vw = c.valueWidth();
        KvRows rows = s.rows();
        forTokens(s.n(), (long) (kw + vw) * 4, t -> {
            SequenceCache seq = s.seqs()[t];
            int p = s.positions()[t];
            rows.store(b.k, t * kw, seq.keyPages(layer)[p >> seq.pageShift()], seq.offset(p) * kw, kw);
            rows.store(b.v, t * vw, seq.valuePages(layer)[p >> seq.pageShift()], seq.offset(p) * vw, vw);
        });
    }

    /** Causal grouped-query attention of every (token, head) over its sequence's visible cached positions into {@code att}. */
    void attention(int layer, Step s, AttentionSpec spec) {
        int n = s.n();
        int heads = c.headCount();
        int group = heads / c.headCountKv();
        int hk = c.keyLength();
        int hv = c.valueLength();
        int qw = c.queryWidth();
        int kw = c.keyWidth();
        int vw = c.valueWidth();
        int[] positions = s.positions();
        int maxPos = 0;
        for (int t = 0; t < n; t++) {
            maxPos = Math.max(maxPos, positions[t]);
        }
        for (int i = 0; i < scores.length; i++) {
            if (scores[i].length <= maxPos) {
                scores[i] = new float[Math.max(maxPos + 1, 2 * scores[i].length)];
            }
        }
        float scale = spec.scale();
        float cap = spec.softcap();
        long span = spec.window() > 0 ? Math.min(maxPos + 1, spec.window()) : maxPos + 1;
        long workPerItem = span * (hk + hv);
        KvRows rows = s.rows();
        pool.forRange(n * heads, minItems(workPerItem, n * heads), (worker, from, to) -> {
            float[] sc = scores[worker];
            for (int item = from; item < to; item++) {
                int t = item / heads;
                int h = item % heads;
                SequenceCache seq = s.seqs()[t];
                Object[] keys = seq.keyPages(layer);
                Object[] values = seq.valuePages(layer);
                int shift = seq.pageShift();
                int pos = positions[t];
                int first = spec.firstVisible(pos);
                int count = pos + 1 - first;
                int kOff = (h / group) * hk;
                int vOff = (h / group) * hv;
                int qOff = t * qw + h * hk;
                for (int j = first; j <= pos; j++) {
                    sc[j - first] = rows.dot(b.q, qOff, keys[j >> shift], seq.offset(j) * kw + kOff, hk) * scale;
                }
                if (cap > 0f) {
                    float inv = 1f / cap;
                    for (int j = 0; j < count; j++) {
                        sc[j] = (float) Math.tanh(sc[j] * inv) * cap;
                    }
                }
                kernels.softmax(sc, 0, count);
                int outOff = t * heads * hv + h * hv;
                Arrays.fill(b.att, outOff, outOff + hv, 0f);
                for (int j = first; j <= pos; j++) {
                    rows.axpy(sc[j - first], values[j >> shift], seq.offset(j) * vw + vOff, b.att, outOff, hv);
                }
            }
        });
    }

    /**
     * Bidirectional attention (encoders): every token of the micro-batch attends to all the tokens of its own
     * sequence, those in {@code [first[t], end[t])}, whose keys and values are in {@code k} and {@code v}, scores
     * times {@code scale}, into {@code att}. Several texts share one micro-batch without seeing each other.
     */
    void attendAll(int n, int[] first, int[] end, float scale) {
        int heads = c.headCount();
        int group = heads / c.headCountKv();
        int hk = c.keyLength();
        int hv = c.valueLength();
        int kw = c.keyWidth();
        int vw = c.valueWidth();
        int longest = 0;
        for (int t = 0; t < n; t++) {
            longest = Math.max(longest, end[t] - first[t]);
        }
        for (int i = 0; i < scores.length; i++) {
            if (scores[i].length < longest) {
                scores[i] = new float[longest];
            }
        }
        pool.forRange(n * heads, minItems((long) longest * (hk + hv), n * heads), (worker, from, to) -> {
            float[] sc = scores[worker];
            for (int item = from; item < to; item++) {
                int t = item / heads;
                int h = item % heads;
                int qOff = t * c.queryWidth() + h * hk;
                int kOff = (h / group) * hk;
                int vOff = (h / group) * hv;
                int count = end[t] - first[t];
                for (int j = 0; j < count; j++) {
                    sc[j] = kernels.dot(b.q, qOff, b.k, (first[t] + j) * kw + kOff, hk) * scale;
                }
                kernels.softmax(sc, 0, count);
                int outOff = t * heads * hv + h * hv;
                Arrays.fill(b.att, outOff, outOff + hv, 0f);
                for (int j = 0; j < count; j++) {
                    kernels.axpy(sc[j], b.v, (first[t] + j) * vw + vOff, b.att, outOff, hv);
                }
            }
        });
    }

    /** {@code xb2 = wo . att (+ bias)}: the attention block's output. */
    void attentionOutput(LayerWeights w, int n) {
        matmul(w.wo(), b.att, n, b.xb2);
        addBias(w.bo(), b.xb2, n);
    }

    /** {@code xb2 = down . (act(gate . xb) * (up . xb))} with the layer's optional biases. */
    void gatedFeedForward(LayerWeights w, Activation act, int n) {
        int ff = w.wGate().rows();
        matmuls(b.xb, n, w.wGate(), b.hb, w.wUp(), b.hb2, null, null);
        forTokens(n, (long) ff * 8, t -> {
            if (w.bGate() != null) {
                kernels.add(w.bGate(), 0, b.hb, t * ff, ff);
            }
            if (w.bUp() != null) {
                kernels.add(w.bUp(), 0, b.hb2, t * ff, ff);
            }
            glu(act, b.hb, t * ff, b.hb2, t * ff, ff);
        });
        matmul(w.wDown(), b.hb, n, b.xb2);
        addBias(w.bDown(), b.xb2, n);
    }

    /** {@code xb2 = down . gelu(up . xb + up bias) + down bias}: BERT's feed-forward, no gate. */
    void geluFeedForward(LayerWeights w, int n) {
        int ff = w.wUp().rows();
        matmul(w.wUp(), b.xb, n, b.hb);
        forTokens(n, (long) ff * 8, t -> {
            if (w.bUp() != null) {
                kernels.add(w.bUp(), 0, b.hb, t * ff, ff);
            }
            for (int i = t * ff; i < (t + 1) * ff; i++) {
                b.hb[i] = geluTanh(b.hb[i]);
            }
        });
        matmul(w.wDown(), b.hb, n, b.xb2);
        addBias(w.bDown(), b.xb2, n);
    }

    /**
     * {@code rows[t] = (rows[t] - mean) / sqrt(var + eps) * weight + bias} in place (LayerNorm, as ggml's
     * {@code ggml_norm}: sums in double, the scale in float).
     */
    void layerNormRows(float[] rows, float[] weight, float[] bias, int n) {
        int width = c.embeddingLength();
        float eps = c.rmsEpsilon();
        forTokens(n, (long) width * 4, t -> {
            int off = t * width;
            double sum = 0;
            for (int i = off; i < off + width; i++) {
                sum += rows[i];
            }
            float mean = (float) (sum / width);
            double sq = 0;
            for (int i = off; i < off + width; i++) {
                float d = rows[i] - mean;
                rows[i] = d;
                sq += (double) d * d;
            }
            float scale = (float) (1.0 / Math.sqrt((float) (sq / width) + eps));
            for (int i = 0; i < width; i++) {
                rows[off + i] = rows[off + i] * scale * weight[i] + (bias == null ? 0f : bias[i]);
            }
        });
    }

    /** {@code gate[i] = act(gate[i]) * up[i]}. */
    void glu(Activation act, float[] gate, int gateOff, float[] up, int upOff, int n) {
        if (act == Activation.SILU) {
            kernels.swiglu(gate, gateOff, up, upOff, n);
        } else {
            for (int i = 0; i < n; i++) {
                gate[gateOff + i] = geluTanh(gate[gateOff + i]) * up[upOff + i];
            }
        }
    }

    /** GELU, tanh approximation: {@code 0.5 x (1 + tanh(sqrt(2/pi) x (1 + 0.044715 x^2)))}, in float as ggml. */
    static float geluTanh(float x) {
        final float sqrt2OverPi = 0.79788456080286535587989211986876f;
        return 0.5f * x * (1f + (float) Math.tanh(sqrt2OverPi * x * (1f + 0.044715f * x * x)));
    }

    /** RMS norm of each token's {@code xb2} in place (Gemma's post-attention and post-FFN norms). */
    void postNorm(float[] weight, int n) {
        rmsnormRows(b.xb2, b.xb2, weight, n);
    }

    /** {@code x += xb2 * scale} for every token ({@code scale} 0 or 1: plain add). */
    void addToResidual(float scale, int n) {
        int width = c.embeddingLength();
        forTokens(n, width, t -> {
            if (scale != 0f && scale != 1f) {
                for (int i = t * width; i < (t + 1) * width; i++) {
                    b.xb2[i] *= scale;
                }
            }
            kernels.add(b.xb2, t * width, b.x, t * width, width);
        });
    }

    private void addBias(float[] bias, float[] out, int n) {
        if (bias == null) {
            return;
        }
        int width = bias.length;
        for (int t = 0; t < n; t++) {
            kernels.add(bias, 0, out, t * width, width);
        }
    }

    interface TokenTask {
        void run(int token);
    }

    void forTokens(int n, long workPerToken, TokenTask task) {
        pool.forRange(n, minItems(workPerToken, n), (worker, from, to) -> {
            for (int t = from; t < to; t++) {
                task.run(t);
            }
        });
    }

    /** Items per thread so that each thread gets at least {@code minWorkPerThread} of work. */
    int minItems(long workPerItem, int items) {
        long perThread = (options.minWorkPerThread() + workPerItem - 1) / Math.max(1, workPerItem);
        return (int) Math.max(1, Math.min(items, perThread));
    }
}
