package dev.jllm.api.json;

import dev.jllm.api.LlmException;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbConfig;
import jakarta.json.bind.JsonbException;

import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Type;

/**
 * The one JSON mapper of jllm: a single JSON-B instance configured once (JSON-B instances are thread-safe), so that
 * every module writes the OpenAI wire records the same way. Absent (null) fields are not written; unknown fields
 * are ignored when reading. Malformed input becomes an {@link LlmException} of kind INVALID_REQUEST naming the
 * target type, because the usual caller is parsing a request body.
 */
public final class Json {

    private static final Jsonb JSONB = JsonbBuilder.create(new JsonbConfig()
            .withNullValues(false)
            .withFormatting(false)
            // Yasson's own switch; false is its default but the wire contract depends on it, so say it.
            .setProperty("yasson.fail-on-unknown-properties", false));

    private Json() { }

    public static String toJson(Object value) {
        try {
            return JSONB.toJson(value);
        } catch (JsonbException e) {
            throw new LlmException(LlmException.Kind.INTERNAL, "cannot write " + typeName(value) + " as JSON: "
                    + rootMessage(e), e);
        }
    }

    public static void toJson(Object value, OutputStream out) {
        try {
            JSONB.toJson(value, out);
        } catch (JsonbException e) {
            throw new LlmException(LlmException.Kind.INTERNAL, "cannot write " + typeName(value) + " as JSON: "
                    + rootMessage(e), e);
        }
    }

    public static <T> T fromJson(String json, Class<T> type) {
        if (json == null || json.isBlank()) {
            throw LlmException.invalid("empty JSON where " + type.getSimpleName() + " was expected");
        }
        try {
            return JSONB.fromJson(json, type);
        } catch (JsonbException | IllegalArgumentException | NullPointerException e) {
            throw invalid(type, e);
        }
    }

    /** For generic targets, e.g. {@code new ArrayList<Model>(){}.getClass().getGenericSuperclass()}. */
    public static <T> T fromJson(String json, Type type) {
        if (json == null || json.isBlank()) {
            throw LlmException.invalid("empty JSON where " + type.getTypeName() + " was expected");
        }
        try {
            return JSONB.fromJson(json, type);
        } catch (JsonbException | IllegalArgumentException | NullPointerException e) {
            throw invalid(type, e);
        }
    }

    public static <T> T fromJson(InputStream in, Class<T> type) {
        try {
            return JSONB.fromJson(in, type);
        } catch (JsonbException | IllegalArgumentException | NullPointerException e) {
            throw invalid(type, e);
        }
    }

    private static LlmException invalid(Type type, Exception e) {
        String name = type instanceof Class<?> c ? c.getSimpleName() : type.getTypeName();
        return new LlmException(LlmException.Kind.INVALID_REQUEST, "invalid JSON for " + name + ": "
                + rootMessage(e), e);
    }

    private static String typeName(Object value) {
        return value == null ? "null" : value.getClass().getSimpleName();
    }

    /** Yasson wraps the useful message several levels deep; the innermost one names the field and the problem. */
    private static String rootMessage(Throwable e) {
        Throwable t = e;
        String msg = e.getMessage();
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
            if (t.getMessage() != null) {
                msg = t.getMessage();
            }
        }
        return msg == null ? e.getClass().getSimpleName() : msg;
    }
}
