package dev.jllm.bench;

import dev.jllm.runtime.synth.ModelShape;
import dev.jllm.runtime.synth.SyntheticModelWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Writes the weights of a synthetic llama-architecture model (the very values {@link SyntheticModelWriter}
 * puts in the GGUF) as a Hugging Face model directory: {@code config.json} and {@code model.safetensors} in
 * BF16, plus a given {@code tokenizer.json}. The q/k rows keep the GGUF order (converters permute them for
 * RoPE); speed does not depend on it.
 */
final class HfSafetensorsWriter {

    private record Entry(String hfName, String ggufName, long[] shape) {
        long elements() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return n;
        }
    }

    private HfSafetensorsWriter() {}

    static void write(SyntheticModelWriter weights, Path dir, Path tokenizerJson) throws IOException {
        ModelShape s = weights.shape();
        if (!s.architecture().equals("llama")) {
            throw new IllegalArgumentException("the HF writer handles llama shapes only, got " + s.architecture());
        }
        Files.createDirectories(dir);
        int w = s.width();
        int kw = s.kvHeads() * s.headDim();
        int ff = s.feedForward();
        List<Entry> entries = new ArrayList<>();
        entries.add(new Entry("model.embed_tokens.weight", "token_embd.weight", new long[] {s.vocab(), w}));
        entries.add(new Entry("model.norm.weight", null, new long[] {w}));
        if (!s.tiedOutput()) {
            entries.add(new Entry("lm_head.weight", "output.weight", new long[] {s.vocab(), w}));
        }
        for (int l = 0; l < s.layers(); l++) {
            String h = "model.layers." + l + ".";
            String g = "blk." + l + ".";
            entries.add(new Entry(h + "input_layernorm.weight", null, new long[] {w}));
            entries.add(new Entry(h + "self_attn.q_proj.weight", g + "attn_q.weight", new long[] {w, w}));
            entries.add(new Entry(h + "self_attn.k_proj.weight", g + "attn_k.weight", new long[] {kw, w}));
            entries.add(new Entry(h + "self_attn.v_proj.weight", g + "attn_v.weight", new long[] {kw, w}));
            entries.add(new Entry(h + "self_attn.o_proj.weight", g + "attn_output.weight", new long[] {w, w}));
            entries.add(new Entry(h + "post_attention_layernorm.weight", null, new long[] {w}));
            entries.add(new Entry(h + "mlp.gate_proj.weight", g + "ffn_gate.weight", new long[] {ff, w}));
            entries.add(new Entry(h + "mlp.up_proj.weight", g + "ffn_up.weight", new long[] {ff, w}));
            entries.add(new Entry(h + "mlp.down_proj.weight", g + "ffn_down.weight", new long[] {w, ff}));
        }
        StringBuilder header = new StringBuilder("{\"__metadata__\":{\"format\":\"pt\"}");
        long offset = 0;
        for (Entry e : entries) {
            long bytes = 2 * e.elements();
            header.append(String.format(Locale.ROOT, ",\"%s\":{\"dtype\":\"BF16\",\"shape\":[%d%s],\"data_offsets\":[%d,%d]}",
                    e.hfName, e.shape[0], e.shape.length > 1 ? "," + e.shape[1] : "", offset, offset + bytes));
            offset += bytes;
        }
        header.append('}');
        while ((header.length() + 8) % 8 != 0) {
            header.append(' ');
        }
        byte[] head = header.toString().getBytes(StandardCharsets.UTF_8);
        Path file = dir.resolve("model.safetensors");
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(head.length).flip();
            writeFully(out, len);
            writeFully(out, ByteBuffer.wrap(head));
            for (Entry e : entries) {
                if (e.ggufName == null) {
                    float[] ones = new float[(int) e.elements()];
                    java.util.Arrays.fill(ones, 1f);
                    writeBf16(out, ones, ones.length);
                } else {
                    weights.values(e.ggufName, (int) e.shape[1], (int) e.shape[0], (v, n) -> writeBf16(out, v, n));
                }
            }
        }
        Files.writeString(dir.resolve("config.json"), String.format(Locale.ROOT, """
                {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_act": "silu",
                 "hidden_size": %d, "intermediate_size": %d, "num_attention_heads": %d, "num_hidden_layers": %d,
                 "num_key_value_heads": %d, "rms_norm_eps": %s, "rope_theta": %s, "vocab_size": %d,
                 "max_position_embeddings": %d, "bos_token_id": 1, "eos_token_id": 2,
                 "tie_word_embeddings": %s, "torch_dtype": "bfloat16"}
                """, w, ff, s.heads(), s.layers(), s.kvHeads(), Float.toString(s.rmsEpsilon()),
                Float.toString(s.ropeBase()), s.vocab(), s.context(), s.tiedOutput()));
        Files.copy(tokenizerJson, dir.resolve("tokenizer.json"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        // jlama's offline quantizer copies these beside the weights
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"bos_token\": \"<s>\", \"eos_token\": \"</s>\"}\n");
        Files.writeString(dir.resolve("README.md"), "Synthetic " + s.name() + " (seeded random weights) for benchmarks.\n");
    }

    private static void writeBf16(FileChannel out, float[] v, int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(2 * n).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            int bits = Float.floatToRawIntBits(v[i]);
            b.putShort((short) ((bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16)); // round to nearest even
        }
        writeFully(out, b.flip());
    }

    private static void writeFully(FileChannel out, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            out.write(b);
        }
    }
}
