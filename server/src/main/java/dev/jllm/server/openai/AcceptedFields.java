package dev.jllm.server.openai;

import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import java.util.Set;

/**
 * OpenAI chat request members that jllm accepts and ignores, because honouring them changes nothing a client can
 * observe in a text answer from a local or proxied model (storage for OpenAI's dashboard, billing tiers, cache
 * routing hints, user ids for abuse detection, a predicted output that only speeds OpenAI up), checked for
 * OpenAI's types so a malformed one is still a 400. Members that ask for something jllm cannot give (audio output,
 * the deprecated {@code functions}) are refused with the reason. The list is in docs/server.md.
 */
final class AcceptedFields {

    static final Set<String> SERVICE_TIERS = Set.of("auto", "default", "flex", "scale", "priority");

    private AcceptedFields() { }

    static void check(JsonFields f) {
        f.bool("store");
        JsonObject metadata = f.objectMember("metadata");
        if (metadata != null) {
            if (metadata.size() > 16) {
                throw ApiException.invalid("'" + f.param("metadata") + "' may hold at most 16 pairs", f.param("metadata"));
            }
            JsonFields m = new JsonFields(metadata, f.param("metadata"));
            for (String key : metadata.keySet()) {
                m.string(key);
            }
        }
        f.oneOf("service_tier", SERVICE_TIERS);
        f.string("prompt_cache_key");
        f.oneOf("prompt_cache_retention", Set.of("in-memory", "24h"));
        f.string("safety_identifier");
        f.oneOf("verbosity", Set.of("low", "medium", "high"));
        f.objectMember("web_search_options");
        JsonFields prediction = f.nested("prediction");
        if (prediction != null) {
            prediction.allowOnly(Set.of("type", "content"));
            prediction.oneOf("type", Set.of("content"));
            JsonValue content = prediction.value("content");
            if (content != null && !(content instanceof JsonString) && !(content instanceof JsonArray)) {
                throw prediction.wrongType("content", "a string or an array of content parts", content);
            }
        }
        JsonArray modalities = f.array("modalities");
        if (modalities != null) {
            for (int i = 0; i < modalities.size(); i++) {
                JsonValue v = modalities.get(i);
                String p = f.param("modalities") + "[" + i + "]";
                if (!(v instanceof JsonString s) || !Set.of("text", "audio").contains(s.getString())) {
                    throw ApiException.invalid("'" + p + "' must be 'text' or 'audio'", p);
                }
                if (s.getString().equals("audio")) {
                    throw ApiException.invalid("'" + p + "': jllm answers in text only; audio output cannot be"
                            + " produced", p);
                }
            }
        }
        if (f.has("audio")) {
            throw ApiException.invalid("'" + f.param("audio") + "': jllm answers in text only; audio output cannot"
                    + " be produced", f.param("audio"));
        }
        if (f.has("functions") || f.has("function_call")) {
            String key = f.has("functions") ? "functions" : "function_call";
            throw ApiException.invalid("'" + f.param(key) + "' is OpenAI's deprecated form of 'tools' and"
                    + " 'tool_choice', which jllm does not take; send 'tools' and 'tool_choice'", f.param(key));
        }
    }
}
