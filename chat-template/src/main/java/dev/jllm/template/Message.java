package dev.jllm.template;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One chat message in the shape of OpenAI's chat API, which is also what Hugging Face chat templates
 * read.
 *
 * @param role "system", "user", "assistant", "tool" or any role a template knows
 * @param content the text content, or null (then {@code contentParts} or nothing)
 * @param contentParts structured content ({@code [{"type": "text", "text": ...}]}), or null
 * @param name the author name (for "tool" messages, the function name), or null
 * @param toolCalls the calls an assistant message made, or null/empty
 * @param toolCallId for a "tool" message, the id of the call it answers, or null
 * @param reasoningContent an assistant's reasoning ("thinking") text, read by templates such as Qwen3's,
 *     or null
 */
public record Message(
        String role,
        String content,
        List<ContentPart> contentParts,
        String name,
        List<ToolCall> toolCalls,
        String toolCallId,
        String reasoningContent) {

    public Message {
        Objects.requireNonNull(role, "role");
        if (content != null && contentParts != null) {
            throw new IllegalArgumentException("a message has either content or contentParts, not both");
        }
        contentParts = contentParts == null ? null : List.copyOf(contentParts);
        toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
    }

    public static Message system(String content) {
        return of("system", content);
    }

    public static Message user(String content) {
        return of("user", content);
    }

    public static Message user(List<ContentPart> parts) {
        return new Message("user", null, parts, null, null, null, null);
    }

    public static Message assistant(String content) {
        return of("assistant", content);
    }

    /** An assistant turn that called tools; {@code content} may be null. */
    public static Message assistant(String content, List<ToolCall> toolCalls) {
        return new Message("assistant", content, null, null, toolCalls, null, null);
    }

    /** The result of a tool call. */
    public static Message tool(String toolCallId, String content) {
        return new Message("tool", content, null, null, null, toolCallId, null);
    }

    public static Message of(String role, String content) {
        return new Message(role, content, null, null, null, null, null);
    }

    public Message withName(String newName) {
        return new Message(role, content, contentParts, newName, toolCalls, toolCallId, reasoningContent);
    }

    public Message withReasoningContent(String reasoning) {
        return new Message(role, content, contentParts, name, toolCalls, toolCallId, reasoning);
    }

    /** The text of this message: the content, or its text parts joined by newlines. */
    public String text() {
        if (contentParts == null) {
            return content == null ? "" : content;
        }
        StringBuilder text = new StringBuilder();
        for (ContentPart part : contentParts) {
            if (part.type().equals("text")) {
                if (!text.isEmpty()) {
                    text.append('\n');
                }
                text.append(part.text());
            }
        }
        return text.toString();
    }

    /**
     * The dict a template sees. Absent fields are left out rather than set to None, because templates test
     * them with {@code 'tool_calls' in message} and {@code is defined}. A missing content becomes "" (as in
     * llama.cpp), since templates concatenate it or test it with {@code in}.
     *
     * @param typedContent whether to keep structured content as a list of parts (for templates that iterate
     *     parts) or flatten its text parts to one string (for templates that expect a string)
     */
    Map<String, Object> toTemplateValue(boolean typedContent) {
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("role", role);
        if (contentParts != null && typedContent) {
            List<Object> parts = new ArrayList<>(contentParts.size());
            for (ContentPart part : contentParts) {
                parts.add(part.toTemplateValue());
            }
            message.put("content", parts);
        } else {
            message.put("content", text());
        }
        if (reasoningContent != null) {
            message.put("reasoning_content", reasoningContent);
        }
        if (name != null) {
            message.put("name", name);
        }
        if (toolCallId != null) {
            message.put("tool_call_id", toolCallId);
        }
        if (!toolCalls.isEmpty()) {
            List<Object> calls = new ArrayList<>(toolCalls.size());
            for (ToolCall call : toolCalls) {
                calls.add(call.toTemplateValue());
            }
            message.put("tool_calls", calls);
        }
        return message;
    }
}
