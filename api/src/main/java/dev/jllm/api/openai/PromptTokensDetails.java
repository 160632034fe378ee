package dev.jllm.api.openai;

import jakarta.json.bind.annotation.JsonbProperty;

/** {@code usage.prompt_tokens_details}: cached_tokens counts prompt tokens served from a prefix cache. */
public record PromptTokensDetails(@JsonbProperty("cached_tokens") Integer cachedTokens,
                                  @JsonbProperty("audio_tokens") Integer audioTokens) {

    public static PromptTokensDetails cached(int cachedTokens) {
        return new PromptTokensDetails(cachedTokens, null);
    }
}
