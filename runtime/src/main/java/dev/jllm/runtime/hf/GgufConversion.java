package dev.jllm.runtime.hf;

import dev.jllm.models.ModelFormatException;
import dev.jllm.models.gguf.GgmlType;
import dev.jllm.models.gguf.GgufWriter;
import dev.jllm.runtime.model.Architecture;
import dev.jllm.runtime.model.ModelConfig;
import dev.jllm.runtime.model.RopeScaling;
import dev.jllm.runtime.model.WeightSource;
import dev.jllm.runtime.tensor.Quantizer;
import dev.jllm.runtime.tensor.WeightTensor;
import dev.jllm.runtime.tokenizer.SpecialToken;
import dev.jllm.runtime.tokenizer.VocabData;
import dev.jllm.runtime.tokenizer.VocabFlag;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes a Hugging Face checkpoint as an equivalent GGUF file, laid out as llama.cpp's
 * {@code convert_hf_to_gguf.py} lays it out: {@code {arch}.*} hyper-parameters, {@code tokenizer.ggml.*} vocabulary
 * and chat template, GGUF tensor names, and for llama-architecture models the q/k rows permuted from rotate-half
 * to adjacent-pair order (GGUF llama uses adjacent-pair RoPE). Matrices are written in the requested type; norms
 * and biases stay F32. Tensors are streamed one at a time, so the output never sits in memory whole.
 */
public final class GgufConversion {

    /** What was written, for the command's summary. */
    public record Summary(int tensors, int fallbackTensors, long bytes) {
    }

    private GgufConversion() {
    }

    /** The output types {@code jllm convert --type} accepts. */
    public static final List<GgmlType> TYPES = List.of(GgmlType.F32, GgmlType.F16, GgmlType.BF16, GgmlType.Q8_0, GgmlType.Q4_0);

    /**
     * Converts {@code hf} to {@code target}. Matrices whose rows are not whole blocks of a quantized type are
     * written as F16 (as llama.cpp falls back), counted in {@link Summary#fallbackTensors()}.
     */
    public static Summary convert(HfCheckpoint hf, GgmlType type, Path target) throws IOException {
        if (!TYPES.contains(type)) {
            throw new IllegalArgumentException("cannot convert to " + type + " (supported: " + TYPES + ")");
        }
        ModelConfig c = hf.modelConfig().config();
        String arch = c.architecture().ggufName();
        GgufWriter w = new GgufWriter();
        w.putString("general.architecture", arch);
        w.putString("general.name", hf.path().getFileName() == null ? arch : hf.path().getFileName().toString());
        w.putUInt32("general.file_type", fileType(type));
        new GgufHyperparameters(arch, c.contextLength(), c.embeddingLength(), c.blockCount(), c.feedForwardLength(),
                c.headCount(), c.headCountKv(), c.keyLength(), c.valueLength(), c.ropeDimensions(), c.ropeFreqBase(),
                c.rmsEpsilon(), c.vocabSize()).writeTo(w);
        RopeScaling s = c.ropeScaling();
        if (s.type() != RopeScaling.Type.NONE) {
            w.putString(arch + ".rope.scaling.type", s.type() == RopeScaling.Type.YARN ? "yarn" : "linear");
            w.putFloat32(arch + ".rope.scaling.factor", 1f / s.freqScale());
            w.putUInt32(arch + ".rope.scaling.original_context_length", s.originalContextLength());
        }
        vocabulary(w, hf.vocab());
        hf.chatTemplate().ifPresent(t -> w.putString("tokenizer.chat_template", t));

        WeightSource src = hf.weights();
        boolean permute = c.architecture() == Architecture.LLAMA;
        int[] fallbacks = {0};
        int count = 0;
        for (String name : tensorNames(c)) {
            var tensor = src.tensor(name);
            if (tensor.isEmpty()) {
                continue;
            }
            WeightSource.Tensor t = tensor.get();
            int heads = name.contains("attn_q.") ? c.headCount() : name.contains("attn_k.") ? c.headCountKv() : 0;
            boolean permuteRows = permute && heads > 0;
            GgmlType outType = t.dims() == 1 ? GgmlType.F32 : type;
            if (!Quantizer.supports(outType, t.dim(0))) {
                outType = GgmlType.F16;
                fallbacks[0]++;
            }
            w.addTensor(name, outType, t.shape().toArray(), writer(t, outType, permuteRows ? heads : 0, c.keyLength()));
            count++;
        }
        w.write(target);
        return new Summary(count, fallbacks[0], target.toFile().length());
    }

    /** The GGUF tensors of the model, optional ones included (absent ones are skipped). */
    private static List<String> tensorNames(ModelConfig c) {
        List<String> names = new ArrayList<>(List.of("token_embd.weight", "output_norm.weight", "output.weight",
                "output.bias", "rope_freqs.weight"));
        for (int i = 0; i < c.blockCount(); i++) {
            for (String part : List.of("attn_norm", "attn_q", "attn_k", "attn_v", "attn_output", "attn_q_norm",
                    "attn_k_norm", "ffn_norm", "ffn_gate", "ffn_up", "ffn_down")) {
                names.add("blk." + i + "." + part + ".weight");
                names.add("blk." + i + "." + part + ".bias");
            }
        }
        return names;
    }

    /**
     * Streams a tensor: row by row, to floats, rows reordered when {@code heads > 0}, encoded as {@code type}.
     * HF's rotate-half row {@code h*d + half*d/2 + i} becomes GGUF's adjacent-pair row {@code h*d + 2i + half}.
     */
    private static GgufWriter.TensorSource writer(WeightSource.Tensor t, GgmlType type, int heads, int headDim) {
        return (FileChannel out, long position, long byteSize) -> {
            int cols = Math.toIntExact(t.dim(0));
            int rows = Math.toIntExact(t.elements() / Math.max(1, cols));
            WeightTensor in = WeightTensor.of(t.type(), t.data(), rows, cols, false);
            long rowBytes = type.byteSize(cols);
            float[] row = new float[cols];
            byte[] bytes = new byte[Math.toIntExact(rowBytes)];
            MemorySegment buf = MemorySegment.ofArray(bytes);
            long pos = position;
            if (t.dims() == 1 && heads > 0) {
                // a bias: one row whose elements are permuted like a matrix's rows
                float[] v = new float[cols];
                in.dequantizeRow(0, v, 0);
                for (int r = 0; r < cols; r++) {
                    row[r] = v[sourceRow(r, heads, headDim, cols)];
                }
                Quantizer.quantize(type, row, 0, cols, bytes, 0);
                writeFully(out, buf, pos);
                return;
            }
            for (int r = 0; r < rows; r++) {
                in.dequantizeRow(heads > 0 ? sourceRow(r, heads, headDim, rows) : r, row, 0);
                Quantizer.quantize(type, row, 0, cols, bytes, 0);
                writeFully(out, buf, pos);
                pos += rowBytes;
            }
            if (pos - position != byteSize) {
                throw new IOException(t.name() + ": wrote " + (pos - position) + " bytes, expected " + byteSize);
            }
        };
    }

    /** The HF row that lands at GGUF row {@code r} of a q/k projection. */
    static int sourceRow(int r, int heads, int headDim, int rows) {
        if (heads * headDim != rows) {
            throw new ModelFormatException("q/k projection has " + rows + " rows, expected " + heads + " x " + headDim);
        }
        int h = r / headDim;
        int within = r % headDim;
        int i = within / 2;
        int half = within % 2;
        return h * headDim + half * (headDim / 2) + i;
    }

    private static void writeFully(FileChannel out, MemorySegment bytes, long position) throws IOException {
        ByteBuffer b = bytes.asByteBuffer();
        long p = position;
        while (b.hasRemaining()) {
            p += out.write(b, p);
        }
    }

    private static void vocabulary(GgufWriter w, VocabData v) {
        w.putString("tokenizer.ggml.model", v.model());
        if (v.pre() != null) {
            w.putString("tokenizer.ggml.pre", v.pre());
        }
        w.putStrings("tokenizer.ggml.tokens", v.tokens());
        if (v.scores() != null) {
            w.putFloats("tokenizer.ggml.scores", v.scores());
        }
        if (v.tokenTypes() != null) {
            w.putInts("tokenizer.ggml.token_type", v.tokenTypes());
        }
        if (v.merges() != null) {
            w.putStrings("tokenizer.ggml.merges", v.merges());
        }
        for (Map.Entry<SpecialToken, Integer> e : v.specialIds().entrySet()) {
            w.putUInt32(e.getKey().ggufKeys().get(0), e.getValue());
        }
        for (Map.Entry<VocabFlag, Boolean> e : v.flags().entrySet()) {
            w.putBool(e.getKey().ggufKey(), e.getValue());
        }
    }

    /** llama.cpp's {@code llama_ftype} of a model whose matrices are {@code type}. */
    private static long fileType(GgmlType type) {
        return switch (type) {
            case F32 -> 0;
            case F16 -> 1;
            case Q4_0 -> 2;
            case Q8_0 -> 7;
            case BF16 -> 32;
            default -> throw new IllegalArgumentException(type.toString());
        };
    }
}
