package dev.jllm.server.translate;

import dev.jllm.api.openai.FunctionDefinition;
import dev.jllm.api.openai.Tool;
import dev.jllm.api.openai.ToolChoice;
import dev.jllm.server.openai.ApiException;
import dev.jllm.server.openai.JsonFields;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;

import jakarta.json.JsonArray;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Set;
import java.util.function.Consumer;
import java.util.List;
import java.util.Map;

/**
 * Function tools and tool choices written in other formats, as Chat Completions' {@link Tool} and
 * {@link ToolChoice}: the same rendering through the template, the same parsing of calls, the same constrained
 * decoding for forced ones.
 */
public final class Tools {

    private Tools() { }

    /**
     * A function tool read from {@code f}: its name under {@code "name"}, an optional {@code "description"}, and
     * its parameters' JSON Schema under {@code schemaKey} (Responses: parameters, Messages: input_schema).
     */
    public static Tool function(JsonFields f, String schemaKey, boolean schemaRequired) {
        String name = f.requiredString("name");
        if (!name.matches("[A-Za-z0-9_-]{1,64}")) {
            throw ApiException.invalid("'" + f.param("name") + "' must be 1-64 letters, digits, '_' or '-'",
                    f.param("name"));
        }
        String description = f.string("description");
        JsonObject schema = f.objectMember(schemaKey);
        if (schema == null && schemaRequired) {
            throw ApiException.invalid("'" + f.param(schemaKey) + "' is required", f.param(schemaKey));
        }
        Boolean strict = f.bool("strict");
        return Tool.function(new FunctionDefinition(name, description, schema == null ? null : map(schema), strict));
    }

    /**
     * The {@code tools} array of a request: each element checked by {@code checkType} (which refuses the format's
     * hosted tools by name), allowed only {@code members}, and read as a function tool.
     */
    public static List<Tool> list(JsonFields f, Set<String> members, String schemaKey, boolean schemaRequired,
                                  Consumer<JsonFields> checkType) {
        JsonArray array = f.array("tools");
        List<Tool> tools = new ArrayList<>();
        if (array == null) {
            return tools;
        }
        for (int i = 0; i < array.size(); i++) {
            JsonFields t = f.element("tools", array, i);
            checkType.accept(t);
            t.allowOnly(members);
            tools.add(function(t, schemaKey, schemaRequired));
        }
        return tools;
    }

    /** A forced call of one of the offered tools by name; a name not offered is a 400 naming {@code param}. */
    public static ToolChoice named(String name, List<Tool> tools, String param) {
        boolean offered = tools != null && tools.stream().anyMatch(t -> t.function().name().equals(name));
        if (!offered) {
            throw ApiException.invalid("'" + param + "' names '" + name + "', which is not among the tools", param);
        }
        return ToolChoice.function(name);
    }

    /** A JSON object as plain maps and lists (what the request records hold). */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> map(JsonObject o) {
        return (Map<String, Object>) dev.jllm.api.json.Json.fromJson(o.toString(), LinkedHashMap.class);
    }

    /** A call's arguments (JSON text) as the object they hold; text that is not an object becomes {@code {}}. */
    public static JsonValue arguments(String json) {
        try (var r = jakarta.json.Json.createReader(new java.io.StringReader(json))) {
            JsonValue v = r.readValue();
            return v instanceof JsonObject ? v : JsonValue.EMPTY_JSON_OBJECT;
        } catch (RuntimeException e) {
            return JsonValue.EMPTY_JSON_OBJECT;
        }
    }
}
