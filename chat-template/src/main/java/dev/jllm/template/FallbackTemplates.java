package dev.jllm.template;

import java.util.function.Predicate;

/**
 * Chat templates for model files that carry none ({@code tokenizer.chat_template} missing).
 *
 * <p>{@link #forVocabulary} picks the format whose special tokens the vocabulary has, so a Llama 3 or
 * Gemma file without a template still gets its own turn markers; with none recognised it falls back to
 * ChatML, as llama.cpp does. These are simplified templates (system, user and assistant turns; no tools).
 */
public final class FallbackTemplates {

    /** ChatML ({@code <|im_start|>role\n...<|im_end|>\n}): Qwen, SmolLM, Hermes, and llama.cpp's default. */
    public static final String CHATML =
            "{%- for message in messages %}"
                    + "{{- '<|im_start|>' + message.role + '\\n' + message.content + '<|im_end|>\\n' }}"
                    + "{%- endfor %}"
                    + "{%- if add_generation_prompt %}{{- '<|im_start|>assistant\\n' }}{%- endif %}";

    /** Llama 3 ({@code <|start_header_id|>role<|end_header_id|>\n\n...<|eot_id|>}). */
    public static final String LLAMA3 =
            "{{- bos_token }}"
                    + "{%- for message in messages %}"
                    + "{{- '<|start_header_id|>' + message.role + '<|end_header_id|>\\n\\n' + message.content | trim + '<|eot_id|>' }}"
                    + "{%- endfor %}"
                    + "{%- if add_generation_prompt %}{{- '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}{%- endif %}";

    /**
     * Mistral / Llama 2 style ({@code [INST] ... [/INST]}); a system message goes before the first user
     * message, separated by a blank line.
     */
    public static final String MISTRAL =
            "{{- bos_token }}"
                    + "{%- set ns = namespace(system='') %}"
                    + "{%- for message in messages %}"
                    + "{%- if message.role == 'system' %}{%- set ns.system = message.content %}"
                    + "{%- elif message.role == 'user' %}"
                    + "{{- '[INST] ' + (ns.system + '\\n\\n' if ns.system else '') + message.content + ' [/INST]' }}"
                    + "{%- set ns.system = '' %}"
                    + "{%- else %}{{- message.content + eos_token }}"
                    + "{%- endif %}"
                    + "{%- endfor %}";

    /** Gemma ({@code <start_of_turn>user\n...<end_of_turn>\n}); the system message opens the first user turn. */
    public static final String GEMMA =
            "{{- bos_token }}"
                    + "{%- set ns = namespace(system='') %}"
                    + "{%- for message in messages %}"
                    + "{%- if message.role == 'system' %}{%- set ns.system = message.content %}"
                    + "{%- else %}"
                    + "{{- '<start_of_turn>' + ('model' if message.role == 'assistant' else message.role) + '\\n' }}"
                    + "{{- (ns.system + '\\n\\n' if ns.system and message.role == 'user' else '') + message.content | trim + '<end_of_turn>\\n' }}"
                    + "{%- if message.role == 'user' %}{%- set ns.system = '' %}{%- endif %}"
                    + "{%- endif %}"
                    + "{%- endfor %}"
                    + "{%- if add_generation_prompt %}{{- '<start_of_turn>model\\n' }}{%- endif %}";

    /** Phi-3 ({@code <|user|>\n...<|end|>\n}). */
    public static final String PHI3 =
            "{%- for message in messages %}"
                    + "{{- '<|' + message.role + '|>\\n' + message.content + '<|end|>\\n' }}"
                    + "{%- endfor %}"
                    + "{%- if add_generation_prompt %}{{- '<|assistant|>\\n' }}{%- endif %}";

    /** Zephyr / TinyLlama ({@code <|user|>\n...</s>\n}). */
    public static final String ZEPHYR =
            "{%- for message in messages %}"
                    + "{{- '<|' + message.role + '|>\\n' + message.content + eos_token + '\\n' }}"
                    + "{%- endfor %}"
                    + "{%- if add_generation_prompt %}{{- '<|assistant|>\\n' }}{%- endif %}";

    private FallbackTemplates() {}

    /**
     * The template whose markers the vocabulary has as tokens, ChatML if none.
     *
     * @param hasToken whether the vocabulary holds this exact token text
     */
    public static String forVocabulary(Predicate<String> hasToken) {
        if (hasToken.test("<|im_start|>")) {
            return CHATML;
        }
        if (hasToken.test("<|start_header_id|>") && hasToken.test("<|eot_id|>")) {
            return LLAMA3;
        }
        if (hasToken.test("<start_of_turn>")) {
            return GEMMA;
        }
        if (hasToken.test("<|user|>") && hasToken.test("<|end|>")) {
            return PHI3;
        }
        if (hasToken.test("<|user|>") && hasToken.test("<|assistant|>")) {
            return ZEPHYR;
        }
        if (hasToken.test("[INST]")) {
            return MISTRAL;
        }
        return CHATML;
    }
}
