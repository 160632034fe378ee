package dev.jllm.template;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A function the model may call (OpenAI's {@code tools[i]} with {@code type: "function"}).
 *
 * @param name the function name
 * @param description what it does, or null
 * @param parameters its JSON schema as plain maps and lists (key order is kept: templates print it), or
 *     null
 */
public record Tool(String name, String description, Map<String, Object> parameters) {

    public Tool {
        Objects.requireNonNull(name, "name");
    }

    /** The dict a template sees: {@code {"type": "function", "function": {"name", "description", "parameters"}}}. */
    Map<String, Object> toTemplateValue() {
        Map<String, Object> function = new LinkedHashMap<>();
        function.put("name", name);
        if (description != null) {
            function.put("description", description);
        }
        if (parameters != null) {
            function.put("parameters", parameters);
        }
        Map<String, Object> tool = new LinkedHashMap<>();
        tool.put("type", "function");
        tool.put("function", function);
        return tool;
    }
}
