package dev.jllm.bench;

import dev.jllm.models.gguf.GgmlType;
import dev.jllm.models.gguf.GgufFile;
import dev.jllm.models.gguf.GgufValueType;
import dev.jllm.models.gguf.GgufWriter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Writes a Llama-shaped GGUF with random weights and a real tokenizer, for throughput benchmarks of the engine
 * and the server: {@code SyntheticModel --out FILE --vocab VOCAB.gguf [--shape tinyllama|small]
 * [--type q4_0|q8_0|f32] [--seed N]}. The tokenizer metadata (and so the vocabulary size) is copied from
 * {@code VOCAB.gguf} (e.g. llama.cpp's ggml-vocab-llama-spm.gguf, the 32000-token Llama 2 vocabulary TinyLlama
 * uses); a Zephyr-style chat template as TinyLlama-Chat's is added. The output rows of end-of-generation tokens
 * are zero, so greedy generations run to their token limit.
 */
public final class SyntheticModel {

    /** The chat layout of TinyLlama-Chat (Zephyr): role markers, one message per block, {@code </s>} after each. */
    static final String CHAT_TEMPLATE = "{% for message in messages %}<|{{ message['role'] }}|>\n"
            + "{{ message['content'] }}{{ eos_token }}\n{% endfor %}"
            + "{% if add_generation_prompt %}<|assistant|>\n{% endif %}";

    private SyntheticModel() {
    }

    public static void main(String[] args) throws IOException {
        Map<String, String> a = Args.parse(args, Set.of("out", "vocab", "shape", "type", "seed"));
        Path out = Path.of(Args.require(a, "out"));
        Path vocab = Path.of(Args.require(a, "vocab"));
        ModelShape shape = ModelShape.named(a.getOrDefault("shape", "tinyllama"));
        GgmlType type = GgmlType.valueOf(a.getOrDefault("type", "q4_0").toUpperCase(Locale.ROOT));
        long seed = Long.parseLong(a.getOrDefault("seed", "42"));
        long t0 = System.nanoTime();
        write(out, vocab, shape, type, seed);
        System.out.printf("wrote %s: %s-shaped %s, %.2f GB in %.1f s%n", out, shape.name(), type,
                Files.size(out) / 1e9, (System.nanoTime() - t0) / 1e9);
    }

    static void write(Path out, Path vocabFile, ModelShape s, GgmlType type, long seed) throws IOException {
        GgufWriter w = new GgufWriter();
        int vocab;
        Set<Integer> endOfGeneration = new HashSet<>();
        try (GgufFile v = GgufFile.open(vocabFile)) {
            for (Map.Entry<String, Object> e : v.metadata().entrySet()) {
                String key = e.getKey();
                if (!key.startsWith("tokenizer.")) {
                    continue;
                }
                GgufValueType t = v.valueType(key);
                if (t == GgufValueType.ARRAY) {
                    w.putArray(key, v.arrayElementType(key), e.getValue());
                } else {
                    w.put(key, t, e.getValue());
                }
            }
            String[] tokens = v.strings("tokenizer.ggml.tokens");
            vocab = tokens.length;
            endOfGeneration.add(v.integer("tokenizer.ggml.eos_token_id", -1));
            endOfGeneration.add(v.integer("tokenizer.ggml.eot_token_id", -1));
            for (int i = 0; i < tokens.length; i++) {
                if (tokens[i].equals("</s>") || tokens[i].equals("<|im_end|>") || tokens[i].equals("<|eot_id|>")) {
                    endOfGeneration.add(i);
                }
            }
        }
        w.putString("tokenizer.chat_template", CHAT_TEMPLATE);
        w.putString("general.architecture", "llama");
        w.putString("general.name", "synthetic " + s.name() + "-shaped " + type.name().toLowerCase(Locale.ROOT));
        w.putUInt32("llama.embedding_length", s.width());
        w.putUInt32("llama.block_count", s.blocks());
        w.putUInt32("llama.feed_forward_length", s.ff());
        w.putUInt32("llama.attention.head_count", s.heads());
        w.putUInt32("llama.attention.head_count_kv", s.kvHeads());
        w.putUInt32("llama.rope.dimension_count", s.headDim());
        w.putFloat32("llama.rope.freq_base", 10000f);
        w.putFloat32("llama.attention.layer_norm_rms_epsilon", 1e-5f);
        w.putUInt32("llama.context_length", s.context());
        w.putUInt32("llama.vocab_size", vocab);

        int kv = s.kvHeads() * s.headDim();
        long[] seeds = {seed};
        java.util.function.LongSupplier next = () -> seeds[0]++;
        w.addTensor("token_embd.weight", type, new long[] {s.width(), vocab},
                RandomWeights.matrix(type, vocab, s.width(), next.getAsLong(), r -> false));
        w.addTensor("output_norm.weight", new long[] {s.width()}, ones(s.width()));
        w.addTensor("output.weight", type, new long[] {s.width(), vocab},
                RandomWeights.matrix(type, vocab, s.width(), next.getAsLong(), endOfGeneration::contains));
        for (int b = 0; b < s.blocks(); b++) {
            String p = "blk." + b + ".";
            w.addTensor(p + "attn_norm.weight", new long[] {s.width()}, ones(s.width()));
            w.addTensor(p + "attn_q.weight", type, new long[] {s.width(), s.width()},
                    RandomWeights.matrix(type, s.width(), s.width(), next.getAsLong(), r -> false));
            w.addTensor(p + "attn_k.weight", type, new long[] {s.width(), kv},
                    RandomWeights.matrix(type, kv, s.width(), next.getAsLong(), r -> false));
            w.addTensor(p + "attn_v.weight", type, new long[] {s.width(), kv},
                    RandomWeights.matrix(type, kv, s.width(), next.getAsLong(), r -> false));
            w.addTensor(p + "attn_output.weight", type, new long[] {s.width(), s.width()},
                    RandomWeights.matrix(type, s.width(), s.width(), next.getAsLong(), r -> false));
            w.addTensor(p + "ffn_norm.weight", new long[] {s.width()}, ones(s.width()));
            w.addTensor(p + "ffn_gate.weight", type, new long[] {s.width(), s.ff()},
                    RandomWeights.matrix(type, s.ff(), s.width(), next.getAsLong(), r -> false));
            w.addTensor(p + "ffn_up.weight", type, new long[] {s.width(), s.ff()},
                    RandomWeights.matrix(type, s.ff(), s.width(), next.getAsLong(), r -> false));
            w.addTensor(p + "ffn_down.weight", type, new long[] {s.ff(), s.width()},
                    RandomWeights.matrix(type, s.width(), s.ff(), next.getAsLong(), r -> false));
        }
        w.write(out);
    }

    private static float[] ones(int n) {
        float[] v = new float[n];
        java.util.Arrays.fill(v, 1f);
        return v;
    }
}
