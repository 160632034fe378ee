package dev.jllm.api.openai;

import jakarta.json.bind.annotation.JsonbCreator;
import jakarta.json.bind.annotation.JsonbProperty;

import java.util.List;
import java.util.Objects;

/**
 * One message of a conversation, in a request or as the answer of a whole (non-streamed) completion.
 *
 * @param role       "system", "developer", "user", "assistant" or "tool"
 * @param content    string or parts; null for an assistant message that only calls tools
 * @param name       optional participant name
 * @param toolCalls  the calls an assistant message makes
 * @param toolCallId for role "tool": the call this message answers
 * @param refusal    for answers: the refusal text, if the model refused
 * @param reasoningContent an assistant's reasoning ("thinking") text, as llama-server and DeepSeek's API return
 *                   it; sent back in later turns for templates that show it
 */
public record ChatMessage(
        String role,
        MessageContent content,
        String name,
        @JsonbProperty("tool_calls") List<ToolCall> toolCalls,
        @JsonbProperty("tool_call_id") String toolCallId,
        String refusal,
        @JsonbProperty("reasoning_content") String reasoningContent) {

    /** A message without reasoning. */
    public ChatMessage(String role, MessageContent content, String name, List<ToolCall> toolCalls, String toolCallId,
                       String refusal) {
        this(role, content, name, toolCalls, toolCallId, refusal, null);
    }

    @JsonbCreator // the canonical constructor; Yasson refuses to choose among several
    public ChatMessage {
        Objects.requireNonNull(role, "role");
        toolCalls = toolCalls == null ? null : List.copyOf(toolCalls);
    }

    public static ChatMessage system(String text) {
        return new ChatMessage("system", MessageContent.of(text), null, null, null, null);
    }

    public static ChatMessage user(String text) {
        return new ChatMessage("user", MessageContent.of(text), null, null, null, null);
    }

    public static ChatMessage user(List<ContentPart> parts) {
        return new ChatMessage("user", MessageContent.of(parts), null, null, null, null);
    }

    public static ChatMessage assistant(String text) {
        return new ChatMessage("assistant", MessageContent.of(text), null, null, null, null);
    }

    public static ChatMessage assistantToolCalls(List<ToolCall> calls) {
        return new ChatMessage("assistant", null, null, calls, null, null);
    }

    public static ChatMessage tool(String toolCallId, String text) {
        return new ChatMessage("tool", MessageContent.of(text), null, null, toolCallId, null);
    }

    /** A copy with this reasoning text (null: none). */
    public ChatMessage withReasoningContent(String reasoning) {
        return new ChatMessage(role, content, name, toolCalls, toolCallId, refusal, reasoning);
    }

    /** The text of the content, or "" when there is none. */
    public String text() {
        return content == null ? "" : content.text();
    }
}
