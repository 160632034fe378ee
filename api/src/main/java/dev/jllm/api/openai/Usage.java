package dev.jllm.api.openai;

import jakarta.json.bind.annotation.JsonbProperty;

/** Token counts of one completion. */
public record Usage(
        @JsonbProperty("prompt_tokens") int promptTokens,
        @JsonbProperty("completion_tokens") int completionTokens,
        @JsonbProperty("total_tokens") int totalTokens,
        @JsonbProperty("prompt_tokens_details") PromptTokensDetails promptTokensDetails,
        @JsonbProperty("completion_tokens_details") CompletionTokensDetails completionTokensDetails) {

    public static Usage of(int promptTokens, int completionTokens) {
        return new Usage(promptTokens, completionTokens, promptTokens + completionTokens, null, null);
    }

    public static Usage of(int promptTokens, int completionTokens, int cachedTokens) {
        return new Usage(promptTokens, completionTokens, promptTokens + completionTokens,
                PromptTokensDetails.cached(cachedTokens), null);
    }
}
