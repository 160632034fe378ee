package dev.jllm.api.openai;

import jakarta.json.bind.annotation.JsonbCreator;
import jakarta.json.bind.annotation.JsonbProperty;

import java.util.List;

/**
 * What a streamed chunk adds to its choice: the role (first chunk), a piece of content, pieces of tool calls
 * (matched by {@link ToolCall#index()}), a piece of a refusal, or a piece of reasoning ({@code reasoning_content},
 * as llama-server streams it).
 */
public record ChatCompletionDelta(String role, String content,
                                  @JsonbProperty("tool_calls") List<ToolCall> toolCalls,
                                  String refusal,
                                  @JsonbProperty("reasoning_content") String reasoningContent) {

    @JsonbCreator // the canonical constructor; Yasson refuses to choose among several
    public ChatCompletionDelta {
    }

    /** A delta without reasoning. */
    public ChatCompletionDelta(String role, String content, List<ToolCall> toolCalls, String refusal) {
        this(role, content, toolCalls, refusal, null);
    }

    /** A piece of reasoning text. */
    public static ChatCompletionDelta reasoning(String text) {
        return new ChatCompletionDelta(null, null, null, null, text);
    }

    /** Pieces of tool calls. */
    public static ChatCompletionDelta toolCalls(List<ToolCall> calls) {
        return new ChatCompletionDelta(null, null, calls, null, null);
    }

    public static ChatCompletionDelta content(String text) {
        return new ChatCompletionDelta(null, text, null, null);
    }

    public static ChatCompletionDelta role(String role) {
        return new ChatCompletionDelta(role, "", null, null);
    }

    public static final ChatCompletionDelta EMPTY = new ChatCompletionDelta(null, null, null, null);
}
