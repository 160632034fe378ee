package dev.jllm.proxy;

import dev.jllm.api.LlmException;
import dev.jllm.api.LlmException.Kind;
import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;

import java.io.StringReader;

/**
 * JSON between the proxy and the server: JSON-P trees for the jobs API's envelopes, and the api module's records
 * (through its one JSON-B mapper) for what they carry. What the server sends that does not parse is the server's
 * fault, so it is reported as UPSTREAM naming what was expected.
 */
final class Wire {

    private Wire() { }

    /** Any api record as a JSON tree, written by the shared mapper. */
    static JsonValue tree(Object record) {
        return value(dev.jllm.api.json.Json.toJson(record), record.getClass().getSimpleName());
    }

    /** The server's answer (or event data) as an object. */
    static JsonObject object(String json, String what) {
        if (value(json, what) instanceof JsonObject o) {
            return o;
        }
        throw malformed(what, "not a JSON object: " + shorten(json));
    }

    /** A member of the server's answer read as an api record. */
    static <T> T read(JsonValue v, Class<T> type, String what) {
        if (v == null || v == JsonValue.NULL) {
            throw malformed(what, "missing");
        }
        try {
            return dev.jllm.api.json.Json.fromJson(v.toString(), type);
        } catch (LlmException e) {
            throw malformed(what, e.getMessage());
        }
    }

    /** Event data read as an api record. */
    static <T> T read(String json, Class<T> type, String what) {
        try {
            return dev.jllm.api.json.Json.fromJson(json, type);
        } catch (LlmException e) {
            throw malformed(what, e.getMessage());
        }
    }

    /** A required object member. */
    static JsonObject member(JsonObject o, String key, String what) {
        if (o.get(key) instanceof JsonObject m) {
            return m;
        }
        throw malformed(what, "'" + key + "' is not an object in " + shorten(o.toString()));
    }

    /** A required string member. */
    static String string(JsonObject o, String key, String what) {
        if (o.get(key) instanceof jakarta.json.JsonString s) {
            return s.getString();
        }
        throw malformed(what, "'" + key + "' is not a string in " + shorten(o.toString()));
    }

    static LlmException malformed(String what, String detail) {
        return new LlmException(Kind.UPSTREAM, "the jllm server sent a malformed " + what + ": " + detail);
    }

    /** Any JSON value the server sent. */
    static JsonValue value(String json, String what) {
        try (JsonReader r = Json.createReader(new StringReader(json))) {
            return r.readValue();
        } catch (JsonException | IllegalStateException e) {
            throw malformed(what, e.getMessage() + " in " + shorten(json));
        }
    }

    private static String shorten(String s) {
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }
}
