package dev.jllm.api.contract;

import java.util.Set;

/**
 * OpenAI's request rules, written once: which members a chat request may have, the ranges of its numbers and the
 * values its enumerations take (jllm's extensions included: top_k, min_p, repeat_penalty, grammar, json_schema).
 * The server's validators check JSON bodies against them member by member; the engines check bound requests
 * against the same {@link Range}s, so the two layers cannot drift apart.
 */
public final class OpenAiRules {

    public static final Range TEMPERATURE = Range.between("temperature", 0, 2);
    public static final Range TOP_P = Range.between("top_p", 0, 1);
    public static final Range MIN_P = Range.between("min_p", 0, 1);
    public static final Range PRESENCE_PENALTY = Range.between("presence_penalty", -2, 2);
    public static final Range FREQUENCY_PENALTY = Range.between("frequency_penalty", -2, 2);
    public static final Range TOP_K = Range.atLeast("top_k", 0).saying("must be 0 (off) or positive");
    /** Multiplies down repeated tokens' logits: positive, 1 = off. */
    public static final Range REPEAT_PENALTY = Range.above("repeat_penalty", 0, "must be positive (1 = off)");
    /** OpenAI's own bound on n. */
    public static final Range N = Range.between("n", 1, 128).saying("must be at least 1 and at most 128");
    public static final Range MAX_TOKENS = Range.atLeast("max_tokens", 1);
    public static final Range MAX_COMPLETION_TOKENS = MAX_TOKENS.named("max_completion_tokens");
    public static final Range TOP_LOGPROBS = Range.between("top_logprobs", 0, 20);
    /** The legacy completions' {@code logprobs}: how many alternatives per token. */
    public static final Range COMPLETION_LOGPROBS = Range.between("logprobs", 0, 5);
    public static final Range LOGIT_BIAS_VALUE = Range.between("logit_bias", -100, 100)
            .saying("values must be between -100 and 100");
    /** More stop strings than any client needs; a bound keeps the matcher's work per token small. */
    public static final int MAX_STOP = 16;

    /** The members a chat request may have; anything else is refused by name. */
    public static final Set<String> CHAT_FIELDS = Set.of("model", "messages", "max_tokens", "max_completion_tokens",
            "temperature", "top_p", "n", "stop", "seed", "presence_penalty", "frequency_penalty", "logit_bias",
            "logprobs", "top_logprobs", "response_format", "tools", "tool_choice", "parallel_tool_calls", "stream",
            "stream_options", "user", "top_k", "min_p", "repeat_penalty", "grammar", "json_schema", "reasoning_effort",
            // accepted and ignored: they ask nothing a local or proxied answer could differ by
            "store", "metadata", "service_tier", "prompt_cache_key", "prompt_cache_retention", "safety_identifier",
            "modalities", "audio", "verbosity", "web_search_options", "prediction",
            // deprecated forms of tools, refused with the reason
            "functions", "function_call",
            // llama-server's: n_predict is its token limit; cache_prompt and id_slot are checked and ignored
            "n_predict", "cache_prompt", "id_slot");
    /** The members a legacy {@code /v1/completions} request may have. */
    public static final Set<String> COMPLETION_FIELDS = Set.of("model", "prompt", "suffix", "max_tokens",
            "temperature", "top_p", "n", "stream", "stream_options", "logprobs", "echo", "stop", "presence_penalty",
            "frequency_penalty", "best_of", "logit_bias", "user", "seed", "top_k", "min_p", "repeat_penalty",
            "grammar", "json_schema", "n_predict", "cache_prompt", "id_slot");
    public static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant", "tool");
    /** {@code tool_choice} as a string; an object names a function. */
    public static final Set<String> TOOL_CHOICE_MODES = Set.of("none", "auto", "required");
    public static final Set<String> REASONING_EFFORTS =
            Set.of("none", "minimal", "low", "medium", "high", "xhigh", "max");
    public static final Set<String> RESPONSE_FORMATS = Set.of("text", "json_object", "json_schema");

    private OpenAiRules() { }
}
