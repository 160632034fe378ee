package dev.jllm.runtime.hf;

import dev.jllm.models.safetensors.SafetensorsDType;
import dev.jllm.models.safetensors.SafetensorsWriter;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * Writes a small random HF checkpoint of a given class: config.json, model.safetensors, a byte-level BPE
 * tokenizer.json (Qwen 2 pre-tokenizer, a few merges, ChatML special tokens) and tokenizer_config.json.
 */
record SyntheticHfCheckpoint(String modelClass, int width, int heads, int kvHeads, int headDim, int layers, int ff,
                             boolean biases, boolean tied, boolean qkNorm, SafetensorsDType dtype, int paddedRows,
                             boolean llama3Rope) {

    static final String[] MERGES = {"Ġ t", "h e", "Ġt he", "i n", "Ġ a", "e r", "o n", "Ġ s"};
    static final String[] SPECIALS = {"<|endoftext|>", "<|im_start|>", "<|im_end|>"};
    static final String QWEN2_SPLIT = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    static SyntheticHfCheckpoint qwen2() {
        // like real Qwen 2 checkpoints, the embedding has more rows than the tokenizer has tokens
        return new SyntheticHfCheckpoint("Qwen2ForCausalLM", 64, 4, 2, 16, 2, 96, true, true, false, SafetensorsDType.F32, 5, false);
    }

    static SyntheticHfCheckpoint qwen3() {
        return new SyntheticHfCheckpoint("Qwen3ForCausalLM", 64, 4, 2, 32, 2, 96, false, true, true, SafetensorsDType.BF16, 0, false);
    }

    static SyntheticHfCheckpoint llama() {
        return new SyntheticHfCheckpoint("LlamaForCausalLM", 64, 4, 2, 16, 2, 96, false, false, false, SafetensorsDType.F16, 0, false);
    }

    /** Llama 3.1-style: frequency-dependent RoPE scaling (rope_freqs in GGUF); with attention biases, whose q/k parts are permuted like the rows. */
    static SyntheticHfCheckpoint llama31() {
        return new SyntheticHfCheckpoint("LlamaForCausalLM", 64, 4, 2, 16, 2, 96, true, true, false, SafetensorsDType.F32, 0, true);
    }

    /** Tokens of the tokenizer. */
    int vocab() {
        return 256 + MERGES.length + SPECIALS.length;
    }

    /** Rows of the embedding. */
    int rows() {
        return vocab() + paddedRows;
    }

    Path write(Path dir, long seed) throws IOException {
        Files.createDirectories(dir);
        Random rnd = new Random(seed);
        JsonObjectBuilder config = Json.createObjectBuilder()
                .add("architectures", Json.createArrayBuilder().add(modelClass))
                .add("hidden_size", width).add("num_attention_heads", heads).add("num_key_value_heads", kvHeads)
                .add("head_dim", headDim).add("num_hidden_layers", layers).add("intermediate_size", ff)
                .add("rms_norm_eps", 1e-6).add("rope_theta", 1000000.0).add("max_position_embeddings", 512)
                .add("vocab_size", rows()).add("tie_word_embeddings", tied).add("torch_dtype", "float32");
        if (llama3Rope) {
            // a short original context so that all three bands (kept, scaled, blended) occur at head_dim 16
            config.add("rope_scaling", Json.createObjectBuilder().add("rope_type", "llama3").add("factor", 8.0)
                    .add("low_freq_factor", 1.0).add("high_freq_factor", 4.0).add("original_max_position_embeddings", 64));
        }
        Files.writeString(dir.resolve("config.json"), config.build().toString());
        Files.writeString(dir.resolve("generation_config.json"), "{\"eos_token_id\": [" + (vocab() - 1) + ", "
                + (vocab() - 3) + "]}");

        SafetensorsWriter w = new SafetensorsWriter();
        add(w, "model.embed_tokens.weight", rnd, 1f, rows(), width);
        add(w, "model.norm.weight", rnd, 0.2f, 1f, width);
        if (!tied) {
            add(w, "lm_head.weight", rnd, 1f, rows(), width);
        }
        int q = heads * headDim;
        int kv = kvHeads * headDim;
        for (int l = 0; l < layers; l++) {
            String p = "model.layers." + l + ".";
            add(w, p + "input_layernorm.weight", rnd, 0.2f, 1f, width);
            add(w, p + "post_attention_layernorm.weight", rnd, 0.2f, 1f, width);
            add(w, p + "self_attn.q_proj.weight", rnd, 0.3f, q, width);
            add(w, p + "self_attn.k_proj.weight", rnd, 0.3f, kv, width);
            add(w, p + "self_attn.v_proj.weight", rnd, 0.3f, kv, width);
            add(w, p + "self_attn.o_proj.weight", rnd, 0.3f, width, q);
            if (biases) {
                add(w, p + "self_attn.q_proj.bias", rnd, 0.5f, q);
                add(w, p + "self_attn.k_proj.bias", rnd, 0.5f, kv);
                add(w, p + "self_attn.v_proj.bias", rnd, 0.5f, kv);
            }
            if (qkNorm) {
                add(w, p + "self_attn.q_norm.weight", rnd, 0.2f, 1f, headDim);
                add(w, p + "self_attn.k_norm.weight", rnd, 0.2f, 1f, headDim);
            }
            add(w, p + "mlp.gate_proj.weight", rnd, 0.3f, ff, width);
            add(w, p + "mlp.up_proj.weight", rnd, 0.3f, ff, width);
            add(w, p + "mlp.down_proj.weight", rnd, 0.3f, width, ff);
        }
        w.write(dir.resolve("model.safetensors"));
        writeTokenizer(dir);
        return dir;
    }

    /** A matrix [rows, cols] of N(0, scale) values, or a norm vector around {@code rows} when offset is 1-D. */
    private void add(SafetensorsWriter w, String name, Random rnd, float scale, float rowsOrCenter, int cols) {
        boolean vector = name.endsWith("norm.weight");
        int rows = vector ? 1 : (int) rowsOrCenter;
        float[] v = new float[rows * cols];
        for (int i = 0; i < v.length; i++) {
            v[i] = (vector ? rowsOrCenter : 0f) + (float) rnd.nextGaussian() * scale;
        }
        put(w, name, vector ? new long[]{cols} : new long[]{rows, cols}, v, vector ? SafetensorsDType.F32 : dtype);
    }

    private void add(SafetensorsWriter w, String name, Random rnd, float scale, int length) {
        float[] v = new float[length];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) rnd.nextGaussian() * scale;
        }
        put(w, name, new long[]{length}, v, SafetensorsDType.F32);
    }

    private static void put(SafetensorsWriter w, String name, long[] shape, float[] v, SafetensorsDType type) {
        ByteBuffer b = ByteBuffer.allocate(v.length * type.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
            switch (type) {
                case F32 -> b.putFloat(f);
                case F16 -> b.putShort(Float.floatToFloat16(f));
                case BF16 -> b.putShort((short) (Float.floatToRawIntBits(f) >>> 16));
                default -> throw new IllegalArgumentException(type.toString());
            }
        }
        w.add(name, type, shape, b.array());
    }

    /** GPT-2's printable stand-in for a byte: itself when printable, else 256 + its rank among the others. */
    static String byteChar(int b) {
        if ((b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF)) {
            return String.valueOf((char) b);
        }
        int n = 0;
        for (int i = 0; i < b; i++) {
            if (!((i >= '!' && i <= '~') || (i >= 0xA1 && i <= 0xAC) || (i >= 0xAE && i <= 0xFF))) {
                n++;
            }
        }
        return String.valueOf((char) (256 + n));
    }

    private void writeTokenizer(Path dir) throws IOException {
        JsonObjectBuilder vocab = Json.createObjectBuilder();
        for (int b = 0; b < 256; b++) {
            vocab.add(byteChar(b), b);
        }
        JsonArrayBuilder merges = Json.createArrayBuilder();
        for (int i = 0; i < MERGES.length; i++) {
            vocab.add(MERGES[i].replace(" ", ""), 256 + i);
            merges.add(MERGES[i]);
        }
        JsonArrayBuilder added = Json.createArrayBuilder();
        for (int i = 0; i < SPECIALS.length; i++) {
            added.add(Json.createObjectBuilder().add("id", 256 + MERGES.length + i).add("content", SPECIALS[i])
                    .add("special", true));
        }
        JsonObjectBuilder tokenizer = Json.createObjectBuilder()
                .add("version", "1.0")
                .add("added_tokens", added)
                .add("normalizer", Json.createObjectBuilder().add("type", "NFC"))
                .add("pre_tokenizer", Json.createObjectBuilder().add("type", "Sequence").add("pretokenizers",
                        Json.createArrayBuilder()
                                .add(Json.createObjectBuilder().add("type", "Split")
                                        .add("pattern", Json.createObjectBuilder().add("Regex", QWEN2_SPLIT))
                                        .add("behavior", "Isolated").add("invert", false))
                                .add(Json.createObjectBuilder().add("type", "ByteLevel").add("add_prefix_space", false)
                                        .add("trim_offsets", false).add("use_regex", false))))
                .add("post_processor", Json.createObjectBuilder().add("type", "ByteLevel"))
                .add("decoder", Json.createObjectBuilder().add("type", "ByteLevel"))
                .add("model", Json.createObjectBuilder().add("type", "BPE").add("byte_fallback", false)
                        .add("vocab", vocab).add("merges", merges));
        Files.writeString(dir.resolve("tokenizer.json"), tokenizer.build().toString());
        Files.writeString(dir.resolve("tokenizer_config.json"), Json.createObjectBuilder()
                .add("bos_token", jakarta.json.JsonValue.NULL).add("eos_token", "<|im_end|>")
                .add("chat_template", "{% for m in messages %}<|im_start|>{{ m.role }}\n{{ m.content }}<|im_end|>\n"
                        + "{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}")
                .build().toString());
    }
}
