package dev.jllm.server.responses;

import dev.jllm.api.openai.Usage;
import dev.jllm.server.routing.SseWriter;
import dev.jllm.server.translate.Block;
import dev.jllm.server.translate.BlockListener;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;

import java.util.ArrayList;
import java.util.List;

/**
 * Writes one answer as the Responses API's event stream, in OpenAI's order: {@code response.created},
 * {@code response.in_progress}; per item {@code response.output_item.added}, for text
 * {@code response.content_part.added}, {@code response.output_text.delta}..., {@code response.output_text.done},
 * {@code response.content_part.done} (reasoning likewise with {@code reasoning_text}), for a call
 * {@code response.function_call_arguments.delta}..., {@code ...done}; {@code response.output_item.done}; then
 * {@code response.completed} or {@code response.incomplete} with the whole response and its usage. Every event
 * carries its {@code sequence_number}. Not thread-safe: one per stream.
 */
final class ResponsesEvents implements BlockListener {

    private final SseWriter sse;
    private final ResponseJson json;
    private final List<Block> closed = new ArrayList<>();
    private JsonObject last;
    private int sequence;

    ResponsesEvents(SseWriter sse, ResponseJson json) {
        this.sse = sse;
        this.json = json;
        JsonObject started = json.response("in_progress", List.of(), null);
        send("response.created", Json.createObjectBuilder().add("response", started));
        send("response.in_progress", Json.createObjectBuilder().add("response", started));
    }

    @Override
    public void opened(Block b) {
        send("response.output_item.added", Json.createObjectBuilder().add("output_index", b.index())
                .add("item", json.item(b, false)));
        if (b.kind() != Block.Kind.CALL) {
            send("response.content_part.added", inItem(b).add("content_index", 0).add("part", ResponseJson.part(b, "")));
        }
    }

    @Override
    public void piece(Block b, String piece) {
        switch (b.kind()) {
            case TEXT -> send("response.output_text.delta", inItem(b).add("content_index", 0).add("delta", piece)
                    .add("logprobs", JsonValue.EMPTY_JSON_ARRAY));
            case REASONING -> send("response.reasoning_text.delta", inItem(b).add("content_index", 0)
                    .add("delta", piece));
            case CALL -> send("response.function_call_arguments.delta", inItem(b).add("delta", piece));
        }
    }

    @Override
    public void closed(Block b) {
        closed.add(b);
        switch (b.kind()) {
            case TEXT -> send("response.output_text.done", inItem(b).add("content_index", 0).add("text", b.text())
                    .add("logprobs", JsonValue.EMPTY_JSON_ARRAY));
            case REASONING -> send("response.reasoning_text.done", inItem(b).add("content_index", 0)
                    .add("text", b.text()));
            case CALL -> send("response.function_call_arguments.done", inItem(b).add("name", b.name())
                    .add("arguments", b.text()));
        }
        if (b.kind() != Block.Kind.CALL) {
            send("response.content_part.done", inItem(b).add("content_index", 0)
                    .add("part", ResponseJson.part(b, b.text())));
        }
        send("response.output_item.done", Json.createObjectBuilder().add("output_index", b.index())
                .add("item", json.item(b, true)));
    }

    @Override
    public void end(String finishReason, Usage usage) {
        String status = "length".equals(finishReason) ? "incomplete" : "completed";
        last = json.response(status, closed, usage);
        send("response." + status, Json.createObjectBuilder().add("response", last));
    }

    /** The items sent. */
    List<Block> blocks() {
        return List.copyOf(closed);
    }

    /** The response the stream ended with (null before the end). */
    JsonObject response() {
        return last;
    }

    /** A failure after the stream began: OpenAI's {@code error} event. */
    void error(String code, String message, String param) {
        JsonObjectBuilder e = Json.createObjectBuilder();
        e.add("code", code == null ? JsonValue.NULL : Json.createValue(code)).add("message", message)
                .add("param", param == null ? JsonValue.NULL : Json.createValue(param));
        send("error", e);
    }

    private JsonObjectBuilder inItem(Block b) {
        return Json.createObjectBuilder().add("item_id", json.itemId(b)).add("output_index", b.index());
    }

    private void send(String type, JsonObjectBuilder event) {
        JsonObject o = Json.createObjectBuilder().add("type", type).add("sequence_number", sequence++)
                .addAll(event).build();
        sse.event(type, o.toString());
    }
}
