package dev.jllm.api.openai;

import jakarta.json.bind.annotation.JsonbProperty;

/** One choice of a streamed chunk; finish_reason is set only on the choice's last chunk. */
public record ChunkChoice(int index, ChatCompletionDelta delta, ChoiceLogprobs logprobs,
                          @JsonbProperty("finish_reason") String finishReason) { }
