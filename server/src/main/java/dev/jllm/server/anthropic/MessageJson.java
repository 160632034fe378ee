package dev.jllm.server.anthropic;

import dev.jllm.api.openai.Usage;
import dev.jllm.server.translate.Block;
import dev.jllm.server.translate.Tools;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;

import java.util.List;

/**
 * The Messages API's shapes, as Anthropic's SDKs type them: the message, its content blocks ({@code text},
 * {@code thinking}, {@code tool_use}), the stop reason and usage.
 *
 * @param id    the message id ({@code msg_...})
 * @param model the model as the client named it
 */
record MessageJson(String id, String model) {

    /** A content block: {@code done} false for a stream's content_block_start (empty text, empty input). */
    static JsonObject block(Block b, boolean done) {
        String text = done ? b.text() : "";
        return switch (b.kind()) {
            case TEXT -> Json.createObjectBuilder().add("type", "text").add("text", text).build();
            case REASONING -> Json.createObjectBuilder().add("type", "thinking").add("thinking", text)
                    .add("signature", "").build();
            case CALL -> Json.createObjectBuilder().add("type", "tool_use").add("id", b.callId())
                    .add("name", b.name()).add("input", done ? Tools.arguments(text) : JsonValue.EMPTY_JSON_OBJECT)
                    .build();
        };
    }

    /** Anthropic's stop reason for Chat Completions' finish reason (and the stop sequence that matched). */
    static String stopReason(String finishReason, String stopSequence) {
        if (stopSequence != null) {
            return "stop_sequence";
        }
        return switch (finishReason) {
            case "length" -> "max_tokens";
            case "tool_calls" -> "tool_use";
            default -> "end_turn";
        };
    }

    /** Anthropic's usage: input tokens read from the cache are counted apart from the others. */
    static JsonObject usage(Usage u) {
        int prompt = u == null ? 0 : u.promptTokens();
        int cached = u == null || u.promptTokensDetails() == null || u.promptTokensDetails().cachedTokens() == null
                ? 0 : u.promptTokensDetails().cachedTokens();
        return Json.createObjectBuilder().add("input_tokens", prompt - cached)
                .add("cache_creation_input_tokens", 0).add("cache_read_input_tokens", cached)
                .add("output_tokens", u == null ? 0 : u.completionTokens()).build();
    }

    /** The message: whole, or (no blocks, no stop reason, no usage yet) as a stream's message_start holds it. */
    JsonObject message(List<Block> blocks, String stopReason, String stopSequence, Usage usage) {
        var content = Json.createArrayBuilder();
        blocks.forEach(b -> content.add(block(b, true)));
        JsonObjectBuilder o = Json.createObjectBuilder().add("id", id).add("type", "message").add("role", "assistant")
                .add("model", model).add("content", content)
                .add("stop_reason", stopReason == null ? JsonValue.NULL : Json.createValue(stopReason))
                .add("stop_sequence", stopSequence == null ? JsonValue.NULL : Json.createValue(stopSequence))
                .add("usage", usage(usage));
        return o.build();
    }
}
