package dev.jllm.api.openai;

import jakarta.json.bind.annotation.JsonbProperty;

import java.util.Map;

/**
 * {@code response_format}: {@code {"type":"text"}}, {@code {"type":"json_object"}} or
 * {@code {"type":"json_schema","json_schema":{...}}}.
 */
public record ResponseFormat(String type, @JsonbProperty("json_schema") JsonSchema jsonSchema) {

    public static final ResponseFormat TEXT = new ResponseFormat("text", null);
    public static final ResponseFormat JSON_OBJECT = new ResponseFormat("json_object", null);

    public static ResponseFormat jsonSchema(JsonSchema schema) {
        return new ResponseFormat("json_schema", schema);
    }

    /** A named JSON Schema the answer must follow; {@code schema} is held as plain maps and lists. */
    public record JsonSchema(String name, String description, Map<String, Object> schema, Boolean strict) { }
}
