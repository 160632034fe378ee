package dev.jllm.runtime.model;

import dev.jllm.models.gguf.GgmlType;
import dev.jllm.models.gguf.GgufWriter;
import dev.jllm.runtime.hf.GgufHyperparameters;
import dev.jllm.runtime.tensor.TestTensors;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.Random;

/**
 * Writes small random Llama-family GGUF files (test only): matrices in a chosen weight type, norms and
 * biases in F32, with the architecture's optional parts switched on or off.
 */
final class SyntheticModel {

    String architecture = "llama";
    GgmlType matrixType = GgmlType.F32;
    int width = 64;
    int blocks = 2;
    int ff = 96;
    int heads = 4;
    int kvHeads = 2;
    int headDim = 16;
    int ropeDims = 16;
    int vocab = 53;
    int context = 64;
    float freqBase = 10000f;
    boolean biases;
    boolean qkNorms;
    boolean tiedOutput;
    boolean outputBias;
    boolean ropeFreqs;
    String ropeScalingType;   // null: absent
    float ropeScalingFactor;
    int ropeOriginalContext;
    long seed = 1;
    /** Per-matrix type (by tensor name), overriding {@link #matrixType} where it returns non-null. */
    java.util.function.Function<String, GgmlType> typeByName = name -> null;

    SyntheticModel architecture(String name) {
        this.architecture = name;
        return this;
    }

    SyntheticModel matrixType(GgmlType type) {
        this.matrixType = type;
        return this;
    }

    /** Every matrix row a multiple of 256 elements, for the k-quants. */
    SyntheticModel superBlockShape() {
        width = 256;
        headDim = 64;
        ropeDims = 64;
        ff = 256;
        return this;
    }

    void write(Path file) throws IOException {
        Random rnd = new Random(seed);
        String p = architecture + ".";
        GgufWriter w = new GgufHyperparameters(architecture, context, width, blocks, ff, heads, kvHeads, headDim,
                headDim, ropeDims, freqBase, 1e-6f, vocab).writeTo(new GgufWriter()
                .putString("general.architecture", architecture));
        if (ropeScalingType != null) {
            w.putString(p + "rope.scaling.type", ropeScalingType);
            w.putFloat32(p + "rope.scaling.factor", ropeScalingFactor);
            w.putUInt32(p + "rope.scaling.original_context_length", ropeOriginalContext);
        }
        try (Arena arena = Arena.ofConfined()) {
            matrix(w, arena, rnd, "token_embd.weight", width, vocab, 1f);
            if (!tiedOutput) {
                matrix(w, arena, rnd, "output.weight", width, vocab, 1f / (float) Math.sqrt(width));
            }
            vector(w, rnd, "output_norm.weight", width, 1f, 0.2f);
            if (outputBias) {
                vector(w, rnd, "output.bias", vocab, 0f, 0.5f);
            }
            if (ropeFreqs) {
                float[] factors = new float[ropeDims / 2];
                for (int i = 0; i < factors.length; i++) {
                    factors[i] = 1f + i * 0.75f;
                }
                w.addTensor("rope_freqs.weight", new long[] {factors.length}, factors);
            }
            int qw = heads * headDim;
            int kw = kvHeads * headDim;
            for (int b = 0; b < blocks; b++) {
                String t = "blk." + b + ".";
                vector(w, rnd, t + "attn_norm.weight", width, 1f, 0.2f);
                matrix(w, arena, rnd, t + "attn_q.weight", width, qw, 1f / (float) Math.sqrt(width));
                matrix(w, arena, rnd, t + "attn_k.weight", width, kw, 1f / (float) Math.sqrt(width));
                matrix(w, arena, rnd, t + "attn_v.weight", width, kw, 1f / (float) Math.sqrt(width));
                matrix(w, arena, rnd, t + "attn_output.weight", qw, width, 1f / (float) Math.sqrt(qw));
                if (biases) {
                    vector(w, rnd, t + "attn_q.bias", qw, 0f, 0.3f);
                    vector(w, rnd, t + "attn_k.bias", kw, 0f, 0.3f);
                    vector(w, rnd, t + "attn_v.bias", kw, 0f, 0.3f);
                }
                if (qkNorms) {
                    vector(w, rnd, t + "attn_q_norm.weight", headDim, 1f, 0.3f);
                    vector(w, rnd, t + "attn_k_norm.weight", headDim, 1f, 0.3f);
                }
                vector(w, rnd, t + "ffn_norm.weight", width, 1f, 0.2f);
                matrix(w, arena, rnd, t + "ffn_gate.weight", width, ff, 1f / (float) Math.sqrt(width));
                matrix(w, arena, rnd, t + "ffn_up.weight", width, ff, 1f / (float) Math.sqrt(width));
                matrix(w, arena, rnd, t + "ffn_down.weight", ff, width, 1f / (float) Math.sqrt(ff));
            }
            w.write(file);
        }
    }

    private void matrix(GgufWriter w, Arena arena, Random rnd, String name, int cols, int rows, float scale) {
        float[] values = new float[rows * cols];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) rnd.nextGaussian() * scale;
        }
        GgmlType type = typeByName.apply(name) != null ? typeByName.apply(name) : matrixType;
        w.addTensor(name, type, new long[] {cols, rows}, TestTensors.quantize(type, values, arena));
    }

    private static void vector(GgufWriter w, Random rnd, String name, int length, float center, float spread) {
        float[] values = new float[length];
        for (int i = 0; i < length; i++) {
            values[i] = center + (rnd.nextFloat() * 2 - 1) * spread;
        }
        w.addTensor(name, new long[] {length}, values);
    }
}
