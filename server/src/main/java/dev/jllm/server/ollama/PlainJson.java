package dev.jllm.server.ollama;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON between Ollama's wire, where tool arguments and schemas are objects, and jllm's OpenAI records, where
 * schemas are plain maps and lists and tool arguments are a JSON text.
 */
final class PlainJson {

    private PlainJson() { }

    /** A JSON value as maps, lists, strings, numbers, booleans and nulls (key order kept). */
    static Object toJava(JsonValue v) {
        return switch (v.getValueType()) {
            case OBJECT -> {
                Map<String, Object> m = new LinkedHashMap<>();
                ((JsonObject) v).forEach((k, x) -> m.put(k, toJava(x)));
                yield m;
            }
            case ARRAY -> {
                List<Object> l = new ArrayList<>();
                ((JsonArray) v).forEach(x -> l.add(toJava(x)));
                yield l;
            }
            case STRING -> ((JsonString) v).getString();
            case NUMBER -> {
                JsonNumber n = (JsonNumber) v;
                yield n.isIntegral() ? (Object) n.longValue() : (Object) n.doubleValue();
            }
            case TRUE -> Boolean.TRUE;
            case FALSE -> Boolean.FALSE;
            case NULL -> null;
        };
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> toMap(JsonObject o) {
        return (Map<String, Object>) toJava(o);
    }

    /**
     * Tool-call arguments as Ollama sends them, an object; a text that is not a JSON object (a model that wrote
     * something else) is kept as a string under no key, so nothing the model said is lost.
     */
    static JsonValue argumentsObject(String arguments) {
        if (arguments == null || arguments.isBlank()) {
            return JsonValue.EMPTY_JSON_OBJECT;
        }
        try (JsonReader r = Json.createReader(new StringReader(arguments))) {
            JsonValue v = r.readValue();
            if (v instanceof JsonObject) {
                return v;
            }
        } catch (RuntimeException e) {
            // not JSON: fall through
        }
        return Json.createValue(arguments);
    }
}
