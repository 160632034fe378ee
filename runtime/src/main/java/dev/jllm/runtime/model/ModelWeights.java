package dev.jllm.runtime.model;

import dev.jllm.models.ModelFormatException;
import dev.jllm.models.gguf.GgmlType;
import dev.jllm.runtime.tensor.WeightTensor;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * All weights of a model, as views of the source's mapping (matrices stay in their file layout; only the
 * small norm and bias vectors are read into float arrays). Shapes are checked against the config; a missing
 * tensor is one clear error naming it.
 *
 * @param ropeFreqs        Llama 3 per-frequency RoPE divisors ({@code rope_freqs.weight}), or null
 * @param ropeFactorsLong  LongRoPE divisors for contexts beyond the original one ({@code rope_factors_long}), or null
 * @param ropeFactorsShort LongRoPE divisors within the original context ({@code rope_factors_short}), or null
 */
record ModelWeights(WeightTensor tokenEmbedding, float[] outputNorm, WeightTensor output, float[] outputBias,
                    float[] ropeFreqs, float[] ropeFactorsLong, float[] ropeFactorsShort, LayerWeights[] layers) {

    static ModelWeights load(WeightSource source, ModelConfig c, boolean vectorized) {
        Loader l = new Loader(source, vectorized);
        Architecture arch = c.architecture();
        int width = c.embeddingLength();
        WeightTensor embedding = l.matrix("token_embd.weight", width, c.vocabSize());
        // Tied embeddings: without output.weight the logits use token_embd (Gemma 2 always does).
        boolean tied = arch == Architecture.GEMMA2 || source.tensor("output.weight").isEmpty();
        WeightTensor output = tied ? embedding : l.matrix("output.weight", width, c.vocabSize());
        float[] outputNorm = l.vector("output_norm.weight", width);
        float[] outputBias = l.optionalVector("output.bias", c.vocabSize());
        int pairs = c.ropeDimensions() / 2;
        float[] ropeFreqs = l.optionalVector("rope_freqs.weight", pairs);
        float[] ropeLong = l.optionalVector("rope_factors_long.weight", pairs);
        float[] ropeShort = l.optionalVector("rope_factors_short.weight", pairs);

        boolean gemma = arch == Architecture.GEMMA2 || arch == Architecture.GEMMA3;
        LayerWeights[] layers = new LayerWeights[c.blockCount()];
        for (int i = 0; i < layers.length; i++) {
            String p = "blk." + i + ".";
            WeightTensor wq;
            WeightTensor wk;
            WeightTensor wv;
            if (source.tensor(p + "attn_qkv.weight").isPresent()) {
                WeightTensor[] qkv = l.splitRows(p + "attn_qkv.weight", width, c.queryWidth(), c.keyWidth(), c.valueWidth());
                wq = qkv[0];
                wk = qkv[1];
                wv = qkv[2];
            } else {
                if (arch == Architecture.PHI3 && source.tensor(p + "attn_q.weight").isEmpty()) {
                    throw new ModelFormatException(source.describe() + ": tensor '" + p
                            + "attn_qkv.weight' is missing (nor are there separate attn_q/attn_k/attn_v)");
                }
                wq = l.matrix(p + "attn_q.weight", width, c.queryWidth());
                wk = l.matrix(p + "attn_k.weight", width, c.keyWidth());
                wv = l.matrix(p + "attn_v.weight", width, c.valueWidth());
            }
            boolean qkNorm = arch.qkNorm();
            int ff = c.feedForwardLength();
            WeightTensor gate = null;
            WeightTensor up = null;
            WeightTensor down = null;
            ExpertWeights experts = null;
            if (c.params().hasExperts()) {
                experts = l.experts(p, width, c.params().expertFeedForward(), c.params().expertCount());
            } else if (arch == Architecture.PHI3) {
                // phi3's ffn_up holds gate (first n_ff rows) and up (last n_ff rows) in one tensor
                WeightTensor[] gateUp = l.splitRows(p + "ffn_up.weight", width, ff, ff);
                gate = gateUp[0];
                up = gateUp[1];
                down = l.matrix(p + "ffn_down.weight", ff, width);
            } else {
                gate = l.matrix(p + "ffn_gate.weight", width, ff);
                up = l.matrix(p + "ffn_up.weight", width, ff);
                down = l.matrix(p + "ffn_down.weight", ff, width);
            }
            boolean denseBiases = experts == null;
            layers[i] = new LayerWeights(
                    l.vector(p + "attn_norm.weight", width),
                    wq, wk, wv,
                    l.matrix(p + "attn_output.weight", c.headCount() * c.valueLength(), width),
                    l.optionalVector(p + "attn_q.bias", c.queryWidth()),
                    l.optionalVector(p + "attn_k.bias", c.keyWidth()),
                    l.optionalVector(p + "attn_v.bias", c.valueWidth()),
                    l.optionalVector(p + "attn_output.bias", width),
                    qkNorm ? l.vector(p + "attn_q_norm.weight", c.keyLength()) : null,
                    qkNorm ? l.vector(p + "attn_k_norm.weight", c.keyLength()) : null,
                    gemma ? l.vector(p + "post_attention_norm.weight", width) : null,
                    l.vector(p + "ffn_norm.weight", width),
                    gate, up, down,
                    denseBiases ? l.optionalVector(p + "ffn_gate.bias", ff) : null,
                    denseBiases ? l.optionalVector(p + "ffn_up.bias", ff) : null,
                    denseBiases ? l.optionalVector(p + "ffn_down.bias", width) : null,
                    gemma ? l.vector(p + "post_ffw_norm.weight", width) : null,
                    experts);
        }
        return new ModelWeights(embedding, outputNorm, output, outputBias, ropeFreqs, ropeLong, ropeShort, layers);
    }

    /**
     * The matrices the forward pass multiplies (every one but the token embedding, unless the output shares it):
     * what {@link LlamaModel} prepares at load.
     */
    java.util.List<WeightTensor> matrices() {
        // in the order the forward pass reads them: layer by layer, the output last
        java.util.List<WeightTensor> out = new java.util.ArrayList<>();
        for (LayerWeights l : layers) {
            for (WeightTensor t : new WeightTensor[] {l.wq(), l.wk(), l.wv(), l.wo()}) {
                out.add(t);
            }
            ExpertWeights e = l.experts();
            if (e != null) {
                out.add(e.router());
                for (int x = 0; x < e.count(); x++) {
                    out.add(e.gate()[x]);
                    out.add(e.up()[x]);
                    out.add(e.down()[x]);
                }
            } else {
                out.add(l.wGate());
                out.add(l.wUp());
                out.add(l.wDown());
            }
        }
        out.add(output);
        out.removeIf(java.util.Objects::isNull);
        return out;
    }

    /** Reads tensors by name, checking each shape (GGUF order: the row length first). */
    record Loader(WeightSource source, boolean vectorized) {

        WeightSource.Tensor require(String name) {
            return source.tensor(name).orElseThrow(() -> new ModelFormatException(source.describe()
                    + ": tensor '" + name + "' is missing"));
        }

        WeightTensor matrix(String name, int cols, int rows) {
            WeightSource.Tensor t = require(name);
            if (t.dims() != 2 || t.dim(0) != cols || t.dim(1) != rows) {
                throw shapeError(t, "[" + cols + ", " + rows + "]");
            }
            return view(name, t.type(), t.data(), rows, cols);
        }

        private WeightTensor view(String name, GgmlType type, MemorySegment data, int rows, int cols) {
            try {
                return WeightTensor.of(type, data, rows, cols, vectorized);
            } catch (ModelFormatException e) {
                throw new ModelFormatException(name + ": " + e.getMessage(), e);
            }
        }

        /** A fused matrix whose consecutive row ranges of {@code parts} rows are separate matrices. */
        WeightTensor[] splitRows(String name, int cols, int... parts) {
            int rows = Arrays.stream(parts).sum();
            WeightSource.Tensor t = require(name);
            if (t.dims() != 2 || t.dim(0) != cols || t.dim(1) != rows) {
                throw shapeError(t, "[" + cols + ", " + rows + "]");
            }
            long rowBytes = t.type().byteSize(cols);
            WeightTensor[] out = new WeightTensor[parts.length];
            long row = 0;
            for (int i = 0; i < parts.length; i++) {
                out[i] = view(name, t.type(), t.data().asSlice(row * rowBytes, parts[i] * rowBytes), parts[i], cols);
                row += parts[i];
            }
            return out;
        }

        ExpertWeights experts(String p, int width, int ff, int count) {
            WeightTensor router = matrix(p + "ffn_gate_inp.weight", width, count);
            return new ExpertWeights(router, expertSlabs(p + "ffn_gate_exps.weight", width, ff, count),
                    expertSlabs(p + "ffn_up_exps.weight", width, ff, count),
                    expertSlabs(p + "ffn_down_exps.weight", ff, width, count));
        }

        /** The {@code count} {@code rows x cols} slabs of a 3-D expert tensor. */
        private WeightTensor[] expertSlabs(String name, int cols, int rows, int count) {
            WeightSource.Tensor t = require(name);
            if (t.dims() != 3 || t.dim(0) != cols || t.dim(1) != rows || t.dim(2) != count) {
                throw shapeError(t, "[" + cols + ", " + rows + ", " + count + "]");
            }
            long slab = t.type().byteSize((long) rows * cols);
            WeightTensor[] out = new WeightTensor[count];
            for (int e = 0; e < count; e++) {
                out[e] = view(name, t.type(), t.data().asSlice(e * slab, slab), rows, cols);
            }
            return out;
        }

        float[] vector(String name, int length) {
            WeightSource.Tensor t = require(name);
            if (t.elements() != length || t.dim(0) != length) {
                throw shapeError(t, "[" + length + "]");
            }
            float[] values = new float[length];
            WeightTensor.of(t.type(), t.data(), 1, length, false).dequantizeRow(0, values, 0);
            return values;
        }

        float[] optionalVector(String name, int length) {
            return source.tensor(name).isPresent() ? vector(name, length) : null;
        }

        private ModelFormatException shapeError(WeightSource.Tensor t, String expected) {
            return new ModelFormatException(source.describe() + ": tensor '" + t.name() + "' has shape "
                    + t.shape() + ", expected " + expected);
        }
    }
}
