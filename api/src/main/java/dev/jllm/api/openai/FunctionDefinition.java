package dev.jllm.api.openai;

import java.util.Map;

/**
 * A function the model may call. {@code parameters} is a JSON Schema object, held as plain maps, lists, strings,
 * numbers and booleans (what JSON-B reads an untyped JSON object into), so chat templates can walk it.
 */
public record FunctionDefinition(String name, String description, Map<String, Object> parameters, Boolean strict) {

    public static FunctionDefinition of(String name, String description, Map<String, Object> parameters) {
        return new FunctionDefinition(name, description, parameters, null);
    }
}
