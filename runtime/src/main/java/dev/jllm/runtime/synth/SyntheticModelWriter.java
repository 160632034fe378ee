package dev.jllm.runtime.synth;

import dev.jllm.models.gguf.GgmlType;
import dev.jllm.models.gguf.GgufFile;
import dev.jllm.models.gguf.GgufValueType;
import dev.jllm.models.gguf.GgufWriter;
import dev.jllm.runtime.hf.GgufHyperparameters;
import dev.jllm.runtime.model.Pooling;
import dev.jllm.runtime.tensor.Quantizer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Writes a GGUF model of a real {@link ModelShape} with seeded random weights in a {@link WeightMix}, with the
 * metadata llama.cpp expects ({@code general.*}, {@code {arch}.*}, {@code tokenizer.ggml.*}), for benchmarks.
 * Weights are uniform with the variance of a trained model's ({@code 1 / row length}), generated and quantized
 * a chunk of rows at a time while the file is written, so that a billion-parameter model needs little memory.
 * The same seed gives the same float weights whatever the type, so files of several types are comparable.
 */
public final class SyntheticModelWriter {

    /** Elements generated and quantized per chunk. */
    private static final int CHUNK_ELEMENTS = 1 << 20;

    private final ModelShape shape;
    private final WeightMix mix;
    private final long seed;
    private final GgufFile vocab;
    private final Pooling pooling;

    /** {@code vocab}: a GGUF whose {@code tokenizer.*} metadata is copied (its vocabulary size wins), or null. */
    public SyntheticModelWriter(ModelShape shape, WeightMix mix, long seed, GgufFile vocab) {
        this(shape, mix, seed, vocab, null);
    }

    /**
     * With the {@code pooling_type} an encoder shape ({@code bert}, {@code nomic-bert}) writes; null for its
     * family's usual one (bge's CLS for BERT, nomic-embed-text's mean). Encoders need a WordPiece {@code vocab}.
     */
    public SyntheticModelWriter(ModelShape shape, WeightMix mix, long seed, GgufFile vocab, Pooling pooling) {
        this.vocab = vocab;
        this.pooling = pooling;
        this.shape = vocab == null ? shape : shape.withVocab(vocab.strings("tokenizer.ggml.tokens").length);
        this.mix = mix;
        this.seed = seed;
    }

    public ModelShape shape() {
        return shape;
    }

    WeightMix mix() {
        return mix;
    }

    /** The GGUF whose tokenizer is copied, or null. */
    GgufFile vocab() {
        return vocab;
    }

    public void write(Path target) throws IOException {
        if (EncoderTensors.isEncoder(shape)) {
            new EncoderTensors(this, pooling).write(target);
            return;
        }
        ModelShape s = shape;
        ShapeExtras x = s.extras();
        String arch = s.architecture();
        String a = arch + ".";
        GgufWriter w = general();
        new GgufHyperparameters(arch, s.context(), s.width(), s.layers(), s.feedForward(), s.heads(), s.kvHeads(),
                x.headDim(), x.headDim(), s.ropeDims(), s.ropeBase(), s.rmsEpsilon(), s.vocab()).writeTo(w);
        if (x.experts() > 0) {
            w.putUInt32(a + "expert_count", x.experts()).putUInt32(a + "expert_used_count", x.expertsUsed());
            if (x.expertFf() > 0) {
                w.putUInt32(a + "expert_feed_forward_length", x.expertFf());
            }
        }
        if (x.slidingWindow() > 0) {
            w.putUInt32(a + "attention.sliding_window", x.slidingWindow());
        }
        if (x.swaPeriod() > 0) {
            w.putUInt32(a + "attention.sliding_window_pattern", x.swaPeriod());
        }
        if (x.ropeBaseSwa() > 0) {
            w.putFloat32(a + "rope.freq_base_swa", x.ropeBaseSwa());
        }
        if (x.attnSoftcap() > 0) {
            w.putFloat32(a + "attn_logit_softcapping", x.attnSoftcap());
        }
        if (x.finalSoftcap() > 0) {
            w.putFloat32(a + "final_logit_softcapping", x.finalSoftcap());
        }
        if (x.logitScale() > 0) {
            w.putFloat32(a + "embedding_scale", x.embeddingScale())
                    .putFloat32(a + "residual_scale", x.residualScale())
                    .putFloat32(a + "attention.scale", x.attentionScale())
                    .putFloat32(a + "logit_scale", x.logitScale());
        }
        if (x.longRopeOriginal() > 0) {
            w.putUInt32(a + "rope.scaling.original_context_length", x.longRopeOriginal())
                    .putFloat32(a + "rope.scaling.attn_factor", longRopeAttnFactor(s.context(), x.longRopeOriginal()));
        }
        if (vocab != null) {
            copyTokenizer(w);
        } else {
            syntheticTokenizer(w);
        }
        int width = s.width();
        int qw = s.heads() * s.headDim();
        int kw = s.kvHeads() * s.headDim();
        int layers = s.layers();
        boolean gemma = arch.startsWith("gemma");
        matrix(w, "token_embd.weight", mix.typeOf("token_embd", 0, layers, width), width, s.vocab());
        ones(w, "output_norm.weight", width);
        if (!s.tiedOutput()) {
            matrix(w, "output.weight", mix.typeOf("output", 0, layers, width), width, s.vocab());
        }
        if (x.longRopeOriginal() > 0) {
            ropeFactors(w, "rope_factors_short.weight", s.ropeDims() / 2, 1f);
            ropeFactors(w, "rope_factors_long.weight", s.ropeDims() / 2, 4f);
        }
        for (int l = 0; l < layers; l++) {
            String p = "blk." + l + ".";
            ones(w, p + "attn_norm.weight", width);
            if (arch.equals("phi3")) {
                matrix(w, p + "attn_qkv.weight", mix.typeOf("attn_qkv", l, layers, width), width, qw + 2 * kw);
            } else {
                matrix(w, p + "attn_q.weight", mix.typeOf("attn_q", l, layers, width), width, qw);
                matrix(w, p + "attn_k.weight", mix.typeOf("attn_k", l, layers, width), width, kw);
                matrix(w, p + "attn_v.weight", mix.typeOf("attn_v", l, layers, width), width, kw);
            }
            if (s.qkvBias()) {
                bias(w, p + "attn_q.bias", qw);
                bias(w, p + "attn_k.bias", kw);
                bias(w, p + "attn_v.bias", kw);
            }
            if (x.qkNorm()) {
                ones(w, p + "attn_q_norm.weight", s.headDim());
                ones(w, p + "attn_k_norm.weight", s.headDim());
            }
            matrix(w, p + "attn_output.weight", mix.typeOf("attn_output", l, layers, qw), qw, width);
            if (gemma) {
                ones(w, p + "post_attention_norm.weight", width);
            }
            ones(w, p + "ffn_norm.weight", width);
            int ff = s.feedForward();
            if (x.experts() > 0) {
                int eff = s.expertFf();
                int e = x.experts();
                matrix(w, p + "ffn_gate_inp.weight", GgmlType.F32, width, e);
                experts(w, p + "ffn_gate_exps.weight", mix.typeOf("ffn_gate", l, layers, width), width, eff, e);
                experts(w, p + "ffn_up_exps.weight", mix.typeOf("ffn_up", l, layers, width), width, eff, e);
                experts(w, p + "ffn_down_exps.weight", mix.typeOf("ffn_down", l, layers, eff), eff, width, e);
            } else if (arch.equals("phi3")) {
                matrix(w, p + "ffn_up.weight", mix.typeOf("ffn_up", l, layers, width), width, 2 * ff);
                matrix(w, p + "ffn_down.weight", mix.typeOf("ffn_down", l, layers, ff), ff, width);
            } else {
                matrix(w, p + "ffn_gate.weight", mix.typeOf("ffn_gate", l, layers, width), width, ff);
                matrix(w, p + "ffn_up.weight", mix.typeOf("ffn_up", l, layers, width), width, ff);
                matrix(w, p + "ffn_down.weight", mix.typeOf("ffn_down", l, layers, ff), ff, width);
            }
            if (gemma) {
                ones(w, p + "post_ffw_norm.weight", width);
            }
        }
        w.write(target);
    }

    /** The metadata every family writes: {@code general.*} and the core sizes under the architecture's prefix. */
    /** The {@code general.*} keys every file starts with. */
    private GgufWriter general() {
        return new GgufWriter()
                .putString("general.architecture", shape.architecture())
                .putString("general.name", "synthetic " + shape.name() + " " + mix.name() + " seed " + seed)
                .putUInt32("general.file_type", mix.fileType())
                .putUInt32("general.quantization_version", 2);
    }

    GgufWriter header() {
        String a = shape.architecture() + ".";
        return general()
                .putUInt32(a + "context_length", shape.context())
                .putUInt32(a + "embedding_length", shape.width())
                .putUInt32(a + "block_count", shape.layers())
                .putUInt32(a + "feed_forward_length", shape.feedForward())
                .putUInt32(a + "attention.head_count", shape.heads());
    }

    /** LongRoPE's magnitude factor as the Phi-3 converter writes it: sqrt(1 + ln(ctx / original) / ln(original)). */
    private static float longRopeAttnFactor(int context, int original) {
        double scale = (double) context / original;
        return scale <= 1 ? 1f : (float) Math.sqrt(1 + Math.log(scale) / Math.log(original));
    }

    /** LongRoPE factors rising from 1 to {@code top} across the pairs (the real ones rise the same way). */
    private static void ropeFactors(GgufWriter w, String name, int n, float top) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = 1f + (top - 1f) * i / Math.max(1, n - 1);
        }
        w.addTensor(name, new long[] {n}, v);
    }

    private static float scale(int rowLength) {
        return (float) (1 / Math.sqrt(rowLength));
    }

    void copyTokenizer(GgufWriter w) {
        for (Map.Entry<String, Object> e : vocab.metadata().entrySet()) {
            String key = e.getKey();
            if (!key.startsWith("tokenizer.")) {
                continue;
            }
            GgufValueType type = vocab.valueType(key);
            if (type == GgufValueType.ARRAY) {
                w.putArray(key, vocab.arrayElementType(key), e.getValue());
            } else {
                w.put(key, type, e.getValue());
            }
        }
    }

    /** A valid SentencePiece-style vocabulary: unk, bos, eos, the 256 byte tokens, then filler pieces. */
    private void syntheticTokenizer(GgufWriter w) {
        int n = shape.vocab();
        if (n < 259) {
            throw new IllegalArgumentException("a synthetic vocabulary needs at least 259 tokens, got " + n);
        }
        String[] tokens = new String[n];
        float[] scores = new float[n];
        int[] types = new int[n];
        tokens[0] = "<unk>";
        types[0] = 2;
        tokens[1] = "<s>";
        types[1] = 3;
        tokens[2] = "</s>";
        types[2] = 3;
        for (int b = 0; b < 256; b++) {
            tokens[3 + b] = String.format("<0x%02X>", b);
            types[3 + b] = 6;
        }
        for (int i = 259; i < n; i++) {
            tokens[i] = "\u2581t" + i;
            scores[i] = -i;
            types[i] = 1;
        }
        if (shape.architecture().startsWith("gemma")) {
            // Gemma's converter writes this: no space is prepended to the text before SentencePiece
            w.putBool("tokenizer.ggml.add_space_prefix", false);
        }
        if (shape.architecture().equals("phi3")) {
            // llama.cpp marks Phi-3's special tokens by name and requires <|endoftext|> (a control token in Phi-3)
            tokens[n - 1] = "<|endoftext|>";
            types[n - 1] = 3;
        }
        w.putString("tokenizer.ggml.model", "llama")
                .putStrings("tokenizer.ggml.tokens", tokens)
                .putFloats("tokenizer.ggml.scores", scores)
                .putInts("tokenizer.ggml.token_type", types)
                .putUInt32("tokenizer.ggml.unknown_token_id", 0)
                .putUInt32("tokenizer.ggml.bos_token_id", 1)
                .putUInt32("tokenizer.ggml.eos_token_id", 2);
    }

    private static void ones(GgufWriter w, String name, int n) {
        float[] v = new float[n];
        java.util.Arrays.fill(v, 1f);
        w.addTensor(name, new long[] {n}, v);
    }

    void bias(GgufWriter w, String name, int n) {
        SplittableRandom rnd = random(name);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (rnd.nextDouble() - 0.5) * 0.2f;
        }
        w.addTensor(name, new long[] {n}, v);
    }

    SplittableRandom random(String tensor) {
        return new SplittableRandom(seed * 0x9E3779B97F4A7C15L ^ tensor.hashCode());
    }

    /**
     * The float weights of matrix {@code name} (a GGUF tensor name) of {@code rows x cols}, generated in
     * chunks: {@code sink} gets consecutive row-major ranges. Other tools (the jlama comparison) use it to
     * write the very same weights in another format.
     */
    public void values(String name, int cols, int rows, ChunkSink sink) throws IOException {
        float half = (float) (stdOf(name, cols) * Math.sqrt(3));
        SplittableRandom rnd = random(name);
        int chunkRows = Math.max(1, CHUNK_ELEMENTS / cols);
        float[] values = new float[chunkRows * cols];
        for (int r = 0; r < rows; r += chunkRows) {
            int n = Math.min(chunkRows, rows - r) * cols;
            for (int i = 0; i < n; i++) {
                values[i] = (float) (rnd.nextDouble() * 2 - 1) * half;
            }
            sink.accept(values, n);
        }
    }

    /** Receives {@code values[0 .. count)}, the next chunk of a matrix (the array is reused). */
    @FunctionalInterface
    public interface ChunkSink {
        void accept(float[] values, int count) throws IOException;
    }

    /**
     * Weights with the variance of a trained model: 1 / row length, except the embedding (1). Gemma multiplies its
     * (tied) embeddings by sqrt(width), so its trained embeddings are that much smaller: with unit ones every
     * token's logits would be dominated by the input token itself.
     */
    private float stdOf(String name, int cols) {
        boolean gemma = shape.architecture().startsWith("gemma");
        return name.startsWith("token_embd") && !gemma ? 1f : scale(cols);
    }

    /** {@code count} experts' {@code rows x cols} matrices in one 3-D tensor (the values of {@code count * rows} rows). */
    private void experts(GgufWriter w, String name, GgmlType type, int cols, int rows, int count) {
        tensor(w, name, type, new long[] {cols, rows, count}, cols, rows * count);
    }

    /** A {@code rows x cols} matrix of {@link #values} as {@code type}. */
    void matrix(GgufWriter w, String name, GgmlType type, int cols, int rows) {
        tensor(w, name, type, new long[] {cols, rows}, cols, rows);
    }

    private void tensor(GgufWriter w, String name, GgmlType type, long[] shape, int cols, int rows) {
        w.addTensor(name, type, shape, (FileChannel out, long position, long byteSize) -> {
            int chunkRows = Math.max(1, CHUNK_ELEMENTS / cols);
            byte[] bytes = new byte[Math.toIntExact(type.byteSize((long) chunkRows * cols))];
            long[] pos = {position};
            values(name, cols, rows, (values, n) -> {
                int len = Math.toIntExact(type.byteSize(n));
                Quantizer.quantize(type, values, 0, n, bytes, 0);
                ByteBuffer buf = ByteBuffer.wrap(bytes, 0, len);
                while (buf.hasRemaining()) {
                    pos[0] += out.write(buf, pos[0]);
                }
            });
            if (pos[0] - position != byteSize) {
                throw new IOException(name + ": wrote " + (pos[0] - position) + " bytes, expected " + byteSize);
            }
        });
    }
}
