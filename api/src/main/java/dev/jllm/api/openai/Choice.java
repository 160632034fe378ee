package dev.jllm.api.openai;

import jakarta.json.bind.annotation.JsonbProperty;

/** One answer of a whole completion. finish_reason: "stop", "length", "tool_calls", "content_filter". */
public record Choice(int index, ChatMessage message, ChoiceLogprobs logprobs,
                     @JsonbProperty("finish_reason") String finishReason) { }
