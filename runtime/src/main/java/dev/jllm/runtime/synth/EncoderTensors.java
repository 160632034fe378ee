package dev.jllm.runtime.synth;

import dev.jllm.models.gguf.GgmlType;
import dev.jllm.models.gguf.GgufFile;
import dev.jllm.models.gguf.GgufWriter;
import dev.jllm.runtime.model.Pooling;
import java.io.IOException;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * The GGUF layout of the encoder families, as llama.cpp's converter writes bge / all-MiniLM ({@code bert}) and
 * nomic-embed-text ({@code nomic-bert}): LayerNorm epsilon, {@code attention.causal = false}, {@code pooling_type};
 * token, token-type and (BERT) position embeddings with the embedding LayerNorm; per block separate q/k/v with
 * biases (BERT) or a fused {@code attn_qkv} (nomic), the output projection, the two post-norms with biases, and a
 * GELU FFN with biases (BERT) or a SwiGLU one without (nomic). Norm weights scatter around 1 and biases around 0 so
 * that a norm or bias applied wrongly shows in the output.
 */
final class EncoderTensors {

    private final SyntheticModelWriter writer;
    private final ModelShape s;
    private final Pooling pooling;

    /** @param pooling the {@code pooling_type} to write, or null for the family's usual one */
    EncoderTensors(SyntheticModelWriter writer, Pooling pooling) {
        this.writer = writer;
        this.s = writer.shape();
        this.pooling = pooling != null ? pooling : s.architecture().equals("bert") ? Pooling.CLS : Pooling.MEAN;
    }

    static boolean isEncoder(ModelShape shape) {
        return shape.architecture().equals("bert") || shape.architecture().equals("nomic-bert");
    }

    void write(Path target) throws IOException {
        GgufFile vocab = writer.vocab();
        WeightMix mix = writer.mix();
        if (vocab == null || !"bert".equals(vocab.string("tokenizer.ggml.model", null))) {
            throw new IllegalArgumentException(s.name() + " is an encoder: give it a WordPiece vocabulary (a GGUF"
                    + " whose tokenizer.ggml.model is bert, such as ggml-vocab-bert-bge.gguf)");
        }
        String arch = s.architecture();
        boolean bert = arch.equals("bert");
        String a = arch + ".";
        int width = s.width();
        int layers = s.layers();
        int ff = s.feedForward();
        GgufWriter w = writer.header()
                .putFloat32(a + "attention.layer_norm_epsilon", s.rmsEpsilon())
                .putBool(a + "attention.causal", false)
                .putUInt32(a + "pooling_type", pooling.ordinal());
        if (!bert) {
            w.putFloat32(a + "rope.freq_base", s.ropeBase());
        }
        writer.copyTokenizer(w);
        writer.matrix(w, "token_embd.weight", mix.typeOf("token_embd", 0, layers, width), width, s.vocab());
        writer.matrix(w, "token_types.weight", GgmlType.F32, width, 2);
        if (bert) {
            writer.matrix(w, "position_embd.weight", GgmlType.F32, width, s.context());
        }
        norm(w, "token_embd_norm", width);
        for (int l = 0; l < layers; l++) {
            String p = "blk." + l + ".";
            if (bert) {
                for (String x : new String[] {"attn_q", "attn_k", "attn_v"}) {
                    writer.matrix(w, p + x + ".weight", mix.typeOf(x, l, layers, width), width, width);
                    writer.bias(w, p + x + ".bias", width);
                }
            } else {
                writer.matrix(w, p + "attn_qkv.weight", mix.typeOf("attn_qkv", l, layers, width), width, 3 * width);
            }
            writer.matrix(w, p + "attn_output.weight", mix.typeOf("attn_output", l, layers, width), width, width);
            if (bert) {
                writer.bias(w, p + "attn_output.bias", width);
            }
            norm(w, p + "attn_output_norm", width);
            writer.matrix(w, p + "ffn_up.weight", mix.typeOf("ffn_up", l, layers, width), width, ff);
            if (bert) {
                writer.bias(w, p + "ffn_up.bias", ff);
            } else {
                writer.matrix(w, p + "ffn_gate.weight", mix.typeOf("ffn_gate", l, layers, width), width, ff);
            }
            writer.matrix(w, p + "ffn_down.weight", mix.typeOf("ffn_down", l, layers, ff), ff, width);
            if (bert) {
                writer.bias(w, p + "ffn_down.bias", width);
            }
            norm(w, p + "layer_output_norm", width);
        }
        w.write(target);
    }

    /** A LayerNorm: weights in [0.8, 1.2], a bias. */
    private void norm(GgufWriter w, String name, int n) {
        SplittableRandom rnd = writer.random(name + ".weight");
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = 1f + (float) (rnd.nextDouble() - 0.5) * 0.4f;
        }
        w.addTensor(name + ".weight", new long[] {n}, v);
        writer.bias(w, name + ".bias", n);
    }
}
