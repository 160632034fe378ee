package dev.jllm.server.openai;

import dev.jllm.api.openai.ChatCompletion;
import dev.jllm.api.openai.ChatCompletionChunk;
import dev.jllm.api.openai.ChatCompletionDelta;
import dev.jllm.api.openai.ChunkChoice;
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
     * One streamed chunk, written once, straight from the record (it is the per-token path). {@code usageMember}:
     * the client asked for usage, so every chunk has a usage member, null on all but the last. Members come in the
     * mapper's (alphabetical) order, the explicit nulls after them; the nested records (tool calls, logprobs,
     * usage) are written by the shared mapper.
     */
    public static String chunk(ChatCompletionChunk chunk, boolean usageMember) {
        StringBuilder b = new StringBuilder(160).append("{\"choices\":[");
        String sep = "";
        for (ChunkChoice c : chunk.choices()) {
            b.append(sep).append("{\"delta\":");
            delta(b, c.delta() == null ? ChatCompletionDelta.EMPTY : c.delta());
            if (c.finishReason() != null) {
                member(b, "finish_reason", c.finishReason());
            }
            b.append(",\"index\":").append(c.index());
            if (c.logprobs() != null) {
                b.append(",\"logprobs\":").append(dev.jllm.api.json.Json.toJson(c.logprobs()));
            } else {
                b.append(",\"logprobs\":null");
            }
            if (c.finishReason() == null) {
                b.append(",\"finish_reason\":null");
            }
            b.append('}');
            sep = ",";
        }
        b.append("],\"created\":").append(chunk.created());
        members(b, "id", chunk.id(), "model", chunk.model(), "object", chunk.object(), "system_fingerprint",
                chunk.systemFingerprint());
        if (chunk.usage() != null) {
            b.append(",\"usage\":").append(dev.jllm.api.json.Json.toJson(chunk.usage()));
        } else if (usageMember) {
            b.append(",\"usage\":null");
        }
        return b.append('}').toString();
    }

    private static void delta(StringBuilder b, ChatCompletionDelta d) {
        int start = b.length();
        members(b, "content", d.content(), "reasoning_content", d.reasoningContent(), "refusal", d.refusal(), "role",
                d.role());
        if (d.toolCalls() != null) {
            b.append(",\"tool_calls\":").append(dev.jllm.api.json.Json.toJson(d.toolCalls()));
        }
        if (b.length() > start) {
            b.setCharAt(start, '{'); // the first member's comma opens the object
        } else {
            b.append('{');
        }
        b.append('}');
    }

    /** {@code ,"name":"value"} with the value escaped as JSON-P escapes it; nothing for a null value. */
    private static void member(StringBuilder b, String name, String value) {
        if (value != null) {
            b.append(",\"").append(name).append("\":").append(Json.createValue(value));
        }
    }

    /** {@link #member} for each name and value pair, in order. */
    private static void members(StringBuilder b, String... namesAndValues) {
        for (int i = 0; i < namesAndValues.length; i += 2) {
            member(b, namesAndValues[i], namesAndValues[i + 1]);
        }
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
