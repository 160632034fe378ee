package dev.jllm.server.anthropic;

import dev.jllm.api.openai.Usage;
import dev.jllm.server.openai.ApiError;
import dev.jllm.server.routing.SseWriter;
import dev.jllm.server.translate.Block;
import dev.jllm.server.translate.BlockListener;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;

import java.util.List;

/**
 * Writes one answer as the Messages API's event stream, in Anthropic's order: {@code message_start} (the message
 * with no content yet), {@code ping}; per block {@code content_block_start}, {@code content_block_delta}s
 * ({@code text_delta}, {@code thinking_delta}, {@code input_json_delta} with the arguments' pieces as the model
 * writes them), {@code content_block_stop}; then {@code message_delta} with the stop reason and usage, and
 * {@code message_stop}. Not thread-safe: one per stream.
 */
final class MessagesEvents implements BlockListener {

    private final SseWriter sse;
    private final StopSequences stops;

    /** Begins the stream: message_start (the message without content) and a ping. */
    MessagesEvents(SseWriter sse, MessageJson json, StopSequences stops) {
        this.sse = sse;
        this.stops = stops;
        send("message_start", Json.createObjectBuilder().add("message", json.message(List.of(), null, null, null)));
        send("ping", Json.createObjectBuilder());
    }

    @Override
    public void opened(Block b) {
        send("content_block_start", Json.createObjectBuilder().add("index", b.index())
                .add("content_block", MessageJson.block(b, false)));
    }

    @Override
    public void piece(Block b, String piece) {
        JsonObjectBuilder delta = switch (b.kind()) {
            case TEXT -> Json.createObjectBuilder().add("type", "text_delta").add("text", piece);
            case REASONING -> Json.createObjectBuilder().add("type", "thinking_delta").add("thinking", piece);
            case CALL -> Json.createObjectBuilder().add("type", "input_json_delta").add("partial_json", piece);
        };
        send("content_block_delta", Json.createObjectBuilder().add("index", b.index()).add("delta", delta));
    }

    @Override
    public void token(String text) {
        stops.token(text);
    }

    @Override
    public void closed(Block b) {
        send("content_block_stop", Json.createObjectBuilder().add("index", b.index()));
    }

    @Override
    public void end(String finishReason, Usage usage) {
        String stop = stops.matched(finishReason);
        send("message_delta", Json.createObjectBuilder()
                .add("delta", Json.createObjectBuilder().add("stop_reason", MessageJson.stopReason(finishReason, stop))
                        .add("stop_sequence", stop == null ? JsonValue.NULL : Json.createValue(stop)))
                .add("usage", MessageJson.usage(usage)));
        send("message_stop", Json.createObjectBuilder());
    }

    /** A failure after the stream began: Anthropic's {@code error} event. */
    void error(ApiError e) {
        JsonObject body = AnthropicErrors.body(e);
        sse.event("error", body.toString());
    }

    private void send(String type, JsonObjectBuilder event) {
        sse.event(type, Json.createObjectBuilder().add("type", type).addAll(event).build().toString());
    }
}
