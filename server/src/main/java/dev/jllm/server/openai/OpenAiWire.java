package dev.jllm.server.openai;

import dev.jllm.api.openai.ChatCompletion;
import dev.jllm.api.openai.ChatCompletionChunk;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;

import java.io.StringReader;

/**
 * Writes OpenAI answers exactly as OpenAI does. The shared JSON mapper leaves null members out, but OpenAI writes
 * some of them as explicit nulls ({@code "finish_reason": null} on content chunks, {@code "logprobs": null},
 * {@code "refusal": null}, {@code "usage": null} on the chunks before the usage chunk) and clients check for them,
 * so they are put back here.
 */
public final class OpenAiWire {

    private OpenAiWire() { }

    /** Any record as a JSON value, through the shared mapper (so names and formats match the rest of jllm). */
    public static JsonValue toValue(Object value) {
        try (JsonReader r = Json.createReader(new StringReader(dev.jllm.api.json.Json.toJson(value)))) {
            return r.readValue();
        }
    }

    /**
     * One streamed chunk. {@code usageMember}: the client asked for usage, so every chunk has a usage member,
     * null on all but the last.
     */
    public static String chunk(ChatCompletionChunk chunk, boolean usageMember) {
        JsonObject o = (JsonObject) toValue(chunk);
        JsonObjectBuilder b = Json.createObjectBuilder(o);
        JsonArrayBuilder choices = Json.createArrayBuilder();
        for (JsonValue v : o.getJsonArray("choices")) {
            JsonObject c = (JsonObject) v;
            JsonObjectBuilder cb = Json.createObjectBuilder(c);
            if (!c.containsKey("delta")) {
                cb.add("delta", JsonValue.EMPTY_JSON_OBJECT);
            }
            nullIfAbsent(cb, c, "logprobs");
            nullIfAbsent(cb, c, "finish_reason");
            choices.add(cb);
        }
        b.add("choices", choices);
        if (usageMember) {
            nullIfAbsent(b, o, "usage");
        }
        return b.build().toString();
    }

    /** A whole completion: each choice with its logprobs, each message with content and refusal, null or not. */
    public static String completion(ChatCompletion completion) {
        JsonObject o = (JsonObject) toValue(completion);
        JsonObjectBuilder b = Json.createObjectBuilder(o);
        JsonArrayBuilder choices = Json.createArrayBuilder();
        JsonArray in = o.getJsonArray("choices");
        for (JsonValue v : in) {
            JsonObject c = (JsonObject) v;
            JsonObjectBuilder cb = Json.createObjectBuilder(c);
            JsonObject m = c.getJsonObject("message");
            if (m != null) {
                JsonObjectBuilder mb = Json.createObjectBuilder(m);
                nullIfAbsent(mb, m, "content");
                nullIfAbsent(mb, m, "refusal");
                cb.add("message", mb);
            }
            nullIfAbsent(cb, c, "logprobs");
            nullIfAbsent(cb, c, "finish_reason");
            choices.add(cb);
        }
        b.add("choices", choices);
        return b.build().toString();
    }

    static void nullIfAbsent(JsonObjectBuilder b, JsonObject o, String key) {
        if (!o.containsKey(key)) {
            b.addNull(key);
        }
    }
}
