package dev.jllm.tests.ui;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;

import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

/**
 * A minimal client of the Chrome DevTools protocol over the JDK's WebSocket: commands with their replies, and
 * events to listeners. Enough to drive a page without Selenium or a driver binary.
 */
final class DevTools implements AutoCloseable {

    private static final Duration COMMAND_LIMIT = Duration.ofSeconds(30);

    private final HttpClient http = HttpClient.newHttpClient();
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonObject>> pending = new ConcurrentHashMap<>();
    /** (method, event) listeners; the event carries its {@code sessionId} when it comes from a page session. */
    private final List<BiConsumer<String, JsonObject>> listeners = new CopyOnWriteArrayList<>();

    DevTools(URI browserSocket) {
        try {
            socket = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10))
                    .buildAsync(browserSocket, new Receiver()).get(15, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot open the DevTools socket " + browserSocket, e);
        }
    }

    void onEvent(BiConsumer<String, JsonObject> listener) {
        listeners.add(listener);
    }

    /** Sends a command (to the browser when {@code sessionId} is null) and waits for its result. */
    JsonObject send(String sessionId, String method, JsonObject params) {
        int id = ids.incrementAndGet();
        JsonObjectBuilder msg = Json.createObjectBuilder().add("id", id).add("method", method)
                .add("params", params == null ? JsonValue.EMPTY_JSON_OBJECT : params);
        if (sessionId != null) {
            msg.add("sessionId", sessionId);
        }
        CompletableFuture<JsonObject> reply = new CompletableFuture<>();
        pending.put(id, reply);
        synchronized (socket) {
            socket.sendText(msg.build().toString(), true).join();
        }
        JsonObject r;
        try {
            r = reply.get(COMMAND_LIMIT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("DevTools " + method + " failed", e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("DevTools " + method + " got no answer in " + COMMAND_LIMIT);
        } finally {
            pending.remove(id);
        }
        if (r.containsKey("error")) {
            throw new IllegalStateException("DevTools " + method + ": " + r.get("error"));
        }
        return r.getJsonObject("result");
    }

    @Override
    public void close() {
        socket.abort();
        http.close();
    }

    private final class Receiver implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                dispatch(Json.createReader(new StringReader(text)).readObject());
            }
            ws.request(1);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            pending.values().forEach(f -> f.completeExceptionally(error));
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            pending.values().forEach(f -> f.completeExceptionally(new IllegalStateException(
                    "the browser closed the DevTools socket: " + reason)));
            return null;
        }

        private void dispatch(JsonObject msg) {
            if (msg.containsKey("id")) {
                CompletableFuture<JsonObject> f = pending.get(msg.getInt("id"));
                if (f != null) {
                    f.complete(msg);
                }
                return;
            }
            String method = msg.getString("method", "");
            JsonObject params = msg.containsKey("params") ? msg.getJsonObject("params") : JsonValue.EMPTY_JSON_OBJECT;
            if (msg.containsKey("sessionId")) {
                params = Json.createObjectBuilder(params).add("sessionId", msg.getString("sessionId")).build();
            }
            for (BiConsumer<String, JsonObject> l : listeners) {
                l.accept(method, params);
            }
        }
    }
}
