package dev.jllm.template;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A function call an assistant message made (OpenAI's {@code tool_calls[i]}).
 *
 * @param id the call id, or null when the client gave none
 * @param name the function name
 * @param arguments the arguments: a {@code Map} (JSON object) for templates that render them with
 *     {@code tojson}, or the raw string when it was not a JSON object
 */
public record ToolCall(String id, String name, Object arguments) {

    public ToolCall {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(arguments, "arguments");
    }

    /**
     * A call whose arguments arrive as OpenAI sends them, a JSON string. Templates expect a dict (they
     * render it with {@code tojson}), so a JSON object is parsed; anything else stays the raw string.
     */
    public static ToolCall ofJsonArguments(String id, String name, String argumentsJson) {
        Objects.requireNonNull(argumentsJson, "argumentsJson");
        Object parsed;
        try {
            parsed = PythonJson.loads(argumentsJson);
        } catch (IllegalArgumentException notJson) {
            parsed = null;
        }
        return new ToolCall(id, name, parsed instanceof Map<?, ?> ? parsed : argumentsJson);
    }

    /** The dict a template sees, in OpenAI's shape: {@code {"id", "type": "function", "function": {...}}}. */
    Map<String, Object> toTemplateValue() {
        Map<String, Object> function = new LinkedHashMap<>();
        function.put("name", name);
        function.put("arguments", arguments);
        Map<String, Object> call = new LinkedHashMap<>();
        if (id != null) {
            call.put("id", id);
        }
        call.put("type", "function");
        call.put("function", function);
        return call;
    }
}
