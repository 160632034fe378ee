package dev.jllm.server.responses;

import dev.jllm.api.openai.Usage;
import dev.jllm.server.translate.Block;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;

import java.util.List;

/**
 * The Responses API's shapes, as the official SDKs type them: the response object, its output items (a
 * {@code message} with one {@code output_text} part, a {@code function_call}, a {@code reasoning} item) and usage.
 * Request fields the response echoes are copied from the request (null when it left them out).
 *
 * @param id        the response id ({@code resp_...})
 * @param createdAt seconds since the epoch
 * @param model     the model as the client named it
 * @param request   the request body
 */
record ResponseJson(String id, long createdAt, String model, JsonObject request) {

    /** An item's id: its kind's prefix and the response's own suffix, so that the stream and the whole agree. */
    String itemId(Block b) {
        String prefix = switch (b.kind()) {
            case TEXT -> "msg_";
            case REASONING -> "rs_";
            case CALL -> "fc_";
        };
        return prefix + id.substring("resp_".length()) + "_" + b.index();
    }

    /** The content part of a text or reasoning block. */
    static JsonObject part(Block b, String text) {
        if (b.kind() == Block.Kind.REASONING) {
            return Json.createObjectBuilder().add("type", "reasoning_text").add("text", text).build();
        }
        return Json.createObjectBuilder().add("type", "output_text").add("text", text)
                .add("annotations", JsonValue.EMPTY_JSON_ARRAY).add("logprobs", JsonValue.EMPTY_JSON_ARRAY).build();
    }

    /** An output item: {@code done} false while it is being streamed (empty text, in_progress). */
    JsonObject item(Block b, boolean done) {
        String status = !done ? "in_progress" : b.complete() ? "completed" : "incomplete";
        String text = done ? b.text() : "";
        JsonObjectBuilder o = Json.createObjectBuilder().add("id", itemId(b));
        switch (b.kind()) {
            case TEXT -> o.add("type", "message").add("status", status).add("role", "assistant")
                    .add("content", done ? Json.createArrayBuilder().add(part(b, text)) : Json.createArrayBuilder());
            case REASONING -> o.add("type", "reasoning").add("status", status)
                    .add("summary", JsonValue.EMPTY_JSON_ARRAY)
                    .add("content", done ? Json.createArrayBuilder().add(part(b, text)) : Json.createArrayBuilder());
            case CALL -> o.add("type", "function_call").add("status", status).add("call_id", b.callId())
                    .add("name", b.name()).add("arguments", text);
        }
        return o.build();
    }

    /**
     * The response object.
     *
     * @param status       in_progress, completed or incomplete
     * @param output       the closed blocks (empty while in progress)
     * @param usage        null while in progress
     */
    JsonObject response(String status, List<Block> output, Usage usage) {
        JsonObjectBuilder o = Json.createObjectBuilder()
                .add("id", id).add("object", "response").add("created_at", createdAt).add("status", status)
                .add("background", false).add("error", JsonValue.NULL);
        if (status.equals("incomplete")) {
            o.add("incomplete_details", Json.createObjectBuilder().add("reason", "max_output_tokens"));
        } else {
            o.add("incomplete_details", JsonValue.NULL);
        }
        if (!status.equals("in_progress")) {
            o.add("completed_at", System.currentTimeMillis() / 1000);
        }
        o.add("model", model);
        var items = Json.createArrayBuilder();
        output.forEach(b -> items.add(item(b, true)));
        o.add("output", items);
        echo(o, "instructions", JsonValue.NULL);
        echo(o, "max_output_tokens", JsonValue.NULL);
        echo(o, "metadata", JsonValue.EMPTY_JSON_OBJECT);
        echo(o, "parallel_tool_calls", JsonValue.TRUE);
        echo(o, "previous_response_id", JsonValue.NULL);
        echo(o, "reasoning", Json.createObjectBuilder().add("effort", JsonValue.NULL).add("summary", JsonValue.NULL)
                .build());
        echo(o, "store", JsonValue.TRUE);
        echo(o, "temperature", JsonValue.NULL);
        echo(o, "text", Json.createObjectBuilder().add("format", Json.createObjectBuilder().add("type", "text"))
                .build());
        echo(o, "tool_choice", Json.createValue("auto"));
        echo(o, "tools", JsonValue.EMPTY_JSON_ARRAY);
        echo(o, "top_p", JsonValue.NULL);
        echo(o, "truncation", Json.createValue("disabled"));
        echo(o, "user", JsonValue.NULL);
        o.add("usage", usage == null ? JsonValue.NULL : usage(usage));
        return o.build();
    }

    private void echo(JsonObjectBuilder o, String key, JsonValue absent) {
        JsonValue v = request.get(key);
        o.add(key, v == null || v == JsonValue.NULL ? absent : v);
    }

    /** Responses' usage: input and output tokens, cached input, reasoning counted within the output. */
    static JsonObject usage(Usage u) {
        int cached = u.promptTokensDetails() == null || u.promptTokensDetails().cachedTokens() == null ? 0
                : u.promptTokensDetails().cachedTokens();
        int reasoning = u.completionTokensDetails() == null
                || u.completionTokensDetails().reasoningTokens() == null ? 0
                : u.completionTokensDetails().reasoningTokens();
        return Json.createObjectBuilder()
                .add("input_tokens", u.promptTokens())
                .add("input_tokens_details", Json.createObjectBuilder().add("cached_tokens", cached))
                .add("output_tokens", u.completionTokens())
                .add("output_tokens_details", Json.createObjectBuilder().add("reasoning_tokens", reasoning))
                .add("total_tokens", u.totalTokens()).build();
    }
}
