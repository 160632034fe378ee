package dev.jllm.server.jobs;

import dev.jllm.api.LlmService;
import dev.jllm.server.openai.ApiException;
import dev.jllm.server.openai.JsonFields;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import java.util.LinkedHashMap;
import java.util.Map;

/** Reading job parameters that several job types share. */
final class JobParams {

    private JobParams() { }

    /** The optional {@code instance}: the named instance, or null for the current model's. */
    static String instance(JsonFields p) {
        String name = p.string("instance");
        if (name != null && name.isBlank()) {
            throw ApiException.invalid("'" + p.param("instance") + "' must not be blank", p.param("instance"));
        }
        return name;
    }

    /** The instance a job acts on: the one named, else the current model's. */
    static String resolve(LlmService service, String instance) {
        if (instance != null) {
            return instance;
        }
        return service.currentModel().orElseThrow(() -> ApiException.invalid(
                "no instance named and no current model is set", "params.instance")).serviceName();
    }

    /** A flat JSON object of options as strings (numbers and booleans written as JSON writes them). */
    static Map<String, String> options(JsonFields p, String key) {
        JsonObject o = p.objectMember(key);
        Map<String, String> out = new LinkedHashMap<>();
        if (o == null) {
            return out;
        }
        for (var e : o.entrySet()) {
            JsonValue v = e.getValue();
            String value = switch (v) {
                case JsonString s -> s.getString();
                case JsonNumber n -> n.toString();
                default -> {
                    if (v == JsonValue.TRUE || v == JsonValue.FALSE) {
                        yield v.toString();
                    }
                    if (v == JsonValue.NULL) {
                        yield null;
                    }
                    String at = p.param(key) + "." + e.getKey();
                    throw ApiException.invalid("'" + at + "' must be a string, number or boolean", at);
                }
            };
            if (value != null) {
                out.put(e.getKey(), value);
            }
        }
        return out;
    }
}
