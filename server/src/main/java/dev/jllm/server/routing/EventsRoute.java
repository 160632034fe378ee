package dev.jllm.server.routing;

import dev.jllm.api.CurrentModel;
import dev.jllm.api.LlmService;
import dev.jllm.api.Subscription;
import dev.jllm.server.openai.ClientGoneException;
import dev.jllm.server.openai.OpenAiWire;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code GET /v1/events}: the current model as it changes, as SSE events {@code current_model} with
 * {@code {"previous": ..., "current_model": ...}}. The first event is the state at connection time (previous
 * null), so a client that reconnects is in sync without replaying anything; ids count events per connection.
 */
public final class EventsRoute implements Handler {

    static final String EVENT = "current_model";
    /** Changes pending for a reader too slow to take them; past this it is behind and gets disconnected. */
    private static final int MAX_PENDING = 1024;

    private final LlmService service;
    private final Duration heartbeat;

    public EventsRoute(LlmService service, Duration heartbeat) {
        this.service = service;
        this.heartbeat = heartbeat;
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) throws InterruptedException {
        LinkedBlockingQueue<JsonObject> pending = new LinkedBlockingQueue<>(MAX_PENDING);
        AtomicBoolean overflowed = new AtomicBoolean();
        AtomicLong ids = new AtomicLong();
        // Subscribe before reading the state, so no change between the two is lost.
        try (Subscription _ = service.onCurrentModelChange((previous, current) -> {
            if (!pending.offer(event(previous, current))) {
                // A reader this far behind gets the state afresh instead of every step: memory stays bounded.
                pending.clear();
                overflowed.set(true);
            }
        }); SseWriter sse = SseWriter.start(res)) {
            sse.event(ids.incrementAndGet(), EVENT, event(Optional.empty(), service.currentModel()).toString());
            while (true) {
                JsonObject e = pending.poll(heartbeat.toMillis(), TimeUnit.MILLISECONDS);
                if (overflowed.getAndSet(false)) {
                    pending.clear();
                    e = event(Optional.empty(), service.currentModel());
                }
                if (e == null) {
                    sse.comment("ping");
                } else {
                    sse.event(ids.incrementAndGet(), EVENT, e.toString());
                }
            }
        } catch (ClientGoneException e) {
            // the reader left; the subscription is closed above
        }
    }

    static JsonObject event(Optional<CurrentModel> previous, Optional<CurrentModel> current) {
        return Json.createObjectBuilder()
                .add("previous", previous.<JsonValue>map(OpenAiWire::toValue).orElse(JsonValue.NULL))
                .add("current_model", current.<JsonValue>map(OpenAiWire::toValue).orElse(JsonValue.NULL))
                .build();
    }
}
