package dev.jllm.api.openai;

import jakarta.json.bind.annotation.JsonbProperty;

import java.util.List;

/**
 * What a streamed chunk adds to its choice: the role (first chunk), a piece of content, pieces of tool calls
 * (matched by {@link ToolCall#index()}), or a piece of a refusal.
 */
public record ChatCompletionDelta(String role, String content,
                                  @JsonbProperty("tool_calls") List<ToolCall> toolCalls,
                                  String refusal) {

    public static ChatCompletionDelta content(String text) {
        return new ChatCompletionDelta(null, text, null, null);
    }

    public static ChatCompletionDelta role(String role) {
        return new ChatCompletionDelta(role, "", null, null);
    }

    public static final ChatCompletionDelta EMPTY = new ChatCompletionDelta(null, null, null, null);
}
