package dev.jllm.runtime.hf;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The Hugging Face name of each GGUF tensor name of the Llama-family layout (llama, mistral, qwen2, qwen3). */
final class HfTensorNames {
    private static final Pattern BLOCK = Pattern.compile("blk\\.(\\d+)\\.([a-z_]+)\\.(weight|bias)");
    private static final Map<String, String> GLOBAL = Map.of(
            "token_embd.weight", "model.embed_tokens.weight",
            "output_norm.weight", "model.norm.weight",
            "output.weight", "lm_head.weight",
            "output.bias", "lm_head.bias");
    private static final Map<String, String> PER_BLOCK = Map.ofEntries(
            Map.entry("attn_norm", "input_layernorm"),
            Map.entry("attn_q", "self_attn.q_proj"),
            Map.entry("attn_k", "self_attn.k_proj"),
            Map.entry("attn_v", "self_attn.v_proj"),
            Map.entry("attn_output", "self_attn.o_proj"),
            Map.entry("attn_q_norm", "self_attn.q_norm"),
            Map.entry("attn_k_norm", "self_attn.k_norm"),
            Map.entry("ffn_norm", "post_attention_layernorm"),
            Map.entry("ffn_gate", "mlp.gate_proj"),
            Map.entry("ffn_up", "mlp.up_proj"),
            Map.entry("ffn_down", "mlp.down_proj"));

    private HfTensorNames() {
    }

    /** The HF name of {@code ggufName}, or null when the layout has no such tensor. */
    static String hfName(String ggufName) {
        String global = GLOBAL.get(ggufName);
        if (global != null) {
            return global;
        }
        Matcher m = BLOCK.matcher(ggufName);
        if (!m.matches()) {
            return null;
        }
        String part = PER_BLOCK.get(m.group(2));
        return part == null ? null : "model.layers." + m.group(1) + "." + part + "." + m.group(3);
    }
}
