package dev.jllm.template;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One part of a structured message content, as in OpenAI's {@code content: [{"type": "text", "text": ...}]}.
 *
 * <p>The runtime is text-only, so only text parts carry meaning; {@code type} is kept so templates that
 * branch on it see the client's value.
 */
public record ContentPart(String type, String text) {

    public ContentPart {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(text, "text");
    }

    public static ContentPart text(String text) {
        return new ContentPart("text", text);
    }

    /** The dict a template sees: {@code {"type": ..., "text": ...}}. */
    Map<String, Object> toTemplateValue() {
        Map<String, Object> part = new LinkedHashMap<>();
        part.put("type", type);
        part.put("text", text);
        return part;
    }
}
