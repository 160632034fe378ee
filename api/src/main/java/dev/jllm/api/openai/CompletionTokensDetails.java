package dev.jllm.api.openai;

import jakarta.json.bind.annotation.JsonbProperty;

/** {@code usage.completion_tokens_details}. */
public record CompletionTokensDetails(
        @JsonbProperty("reasoning_tokens") Integer reasoningTokens,
        @JsonbProperty("audio_tokens") Integer audioTokens,
        @JsonbProperty("accepted_prediction_tokens") Integer acceptedPredictionTokens,
        @JsonbProperty("rejected_prediction_tokens") Integer rejectedPredictionTokens) { }
