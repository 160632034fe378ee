package dev.jllm.tests.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import java.io.IOException;
import java.io.OutputStream;
import java.io.StringReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A deterministic OpenAI-compatible (and Ollama-native) upstream on 127.0.0.1, standing in for a real server in
 * end-to-end tests. The answer to a chat is the first {@code max_tokens} words of a fixed story, one word per
 * chunk; usage counts words. Markers in the last message script the failure modes:
 * <ul>
 *   <li>{@code [slow]}: 100 ms between chunks and a 300-word story (to disconnect or cancel in the middle);</li>
 *   <li>{@code [context]}: 400 context_length_exceeded;</li>
 *   <li>{@code [boom]}: 500;</li>
 *   <li>{@code [midstream-error]}: two chunks, then an error event.</li>
 * </ul>
 */
public final class FakeUpstream implements AutoCloseable {

    public static final String MODEL = "fake-model";
    public static final String OTHER_MODEL = "other-model";
    public static final List<String> STORY = List.of("Once", " upon", " a", " time", " there", " was", " a",
            " little", " robot", " who", " loved", " tea.");

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final List<JsonObject> chatRequests = new CopyOnWriteArrayList<>();
    private final AtomicInteger abortedStreams = new AtomicInteger();
    private final AtomicInteger openStreams = new AtomicInteger();
    private final AtomicInteger pulls = new AtomicInteger();

    public FakeUpstream() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the fake upstream", e);
        }
        server.setExecutor(executor);
        server.createContext("/v1/models", ex -> handle(ex, this::models));
        server.createContext("/v1/chat/completions", ex -> handle(ex, this::chat));
        server.createContext("/v1/completions", ex -> handle(ex, this::completion));
        server.createContext("/api/pull", ex -> handle(ex, this::pull));
        server.createContext("/api/generate", ex -> handle(ex, e -> json(e, 200, "{\"done\":true}")));
        server.createContext("/api/ps", ex -> handle(ex, e -> json(e, 200, "{\"models\":[]}")));
        server.start();
    }

    /** The port it listens on (loopback). */
    public int port() {
        return server.getAddress().getPort();
    }

    /** The OpenAI base URL, ending in /v1. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    public List<JsonObject> chatRequests() {
        return chatRequests;
    }

    public JsonObject lastChatRequest() {
        return chatRequests.getLast();
    }

    /** Streams whose client went away before the end. */
    public int abortedStreams() {
        return abortedStreams.get();
    }

    public int openStreams() {
        return openStreams.get();
    }

    public int pulls() {
        return pulls.get();
    }

    @FunctionalInterface
    private interface Route {
        void handle(HttpExchange ex) throws IOException;
    }

    private static void handle(HttpExchange ex, Route route) {
        try (ex) {
            route.handle(ex);
        } catch (IOException | RuntimeException e) {
            // the client went away or the route failed: the exchange is closed either way
        }
    }

    private void models(HttpExchange ex) throws IOException {
        json(ex, 200, "{\"object\":\"list\",\"data\":["
                + "{\"id\":\"" + MODEL + "\",\"object\":\"model\",\"created\":1700000000,\"owned_by\":\"fake\"},"
                + "{\"id\":\"" + OTHER_MODEL + "\",\"object\":\"model\",\"created\":1700000001,\"owned_by\":\"fake\"}"
                + "]}");
    }

    /** The legacy text completion: the story's words continue the prompt, whole or as text_completion chunks. */
    private void completion(HttpExchange ex) throws IOException {
        JsonObject req = parse(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        String model = req.getString("model", "");
        int n = Math.min(STORY.size(), req.containsKey("max_tokens") ? req.getInt("max_tokens") : STORY.size());
        String finish = n < STORY.size() ? "length" : "stop";
        String head = "{\"id\":\"cmpl-fake\",\"object\":\"text_completion\",\"created\":1700000100,"
                + "\"model\":\"" + model + "\",";
        String usage = "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":" + n + ",\"total_tokens\":"
                + (3 + n) + "}";
        if (!req.getBoolean("stream", false)) {
            json(ex, 200, head + "\"choices\":[{\"index\":0,\"text\":"
                    + quote(String.join("", STORY.subList(0, n))) + ",\"logprobs\":null,\"finish_reason\":\""
                    + finish + "\"}]," + usage + "}");
            return;
        }
        ex.getResponseHeaders().set("Content-Type", "text/event-stream");
        ex.sendResponseHeaders(200, 0);
        OutputStream out = ex.getResponseBody();
        for (int i = 0; i < n; i++) {
            String fr = i == n - 1 ? "\"" + finish + "\"" : "null";
            send(out, head + "\"choices\":[{\"index\":0,\"text\":" + quote(STORY.get(i))
                    + ",\"logprobs\":null,\"finish_reason\":" + fr + "}]}");
        }
        JsonObject so = req.getJsonObject("stream_options");
        if (so != null && so.getBoolean("include_usage", false)) {
            send(out, head + "\"choices\":[]," + usage + "}");
        }
        send(out, "[DONE]");
    }

    private void chat(HttpExchange ex) throws IOException {
        JsonObject req = parse(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        chatRequests.add(req);
        String model = req.getString("model", "");
        if (!model.equals(MODEL) && !model.equals(OTHER_MODEL)) {
            json(ex, 404, error("The model '" + model + "' does not exist", "invalid_request_error",
                    "model_not_found"));
            return;
        }
        String last = lastMessage(req);
        if (last.contains("[context]")) {
            json(ex, 400, error("This model's maximum context length is 8 tokens; your messages resulted in"
                    + " 20 tokens", "invalid_request_error", "context_length_exceeded"));
            return;
        }
        if (last.contains("[boom]")) {
            json(ex, 500, error("upstream exploded", "server_error", null));
            return;
        }
        boolean slow = last.contains("[slow]");
        int words = slow ? 300 : STORY.size();
        int max = req.containsKey("max_tokens") ? req.getInt("max_tokens")
                : req.containsKey("max_completion_tokens") ? req.getInt("max_completion_tokens") : Integer.MAX_VALUE;
        int n = Math.min(words, max);
        String finish = n < words ? "length" : "stop";
        int promptTokens = promptWords(req);
        if (!req.getBoolean("stream", false)) {
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < n; i++) {
                text.append(STORY.get(i % STORY.size()));
            }
            json(ex, 200, "{\"id\":\"chatcmpl-fake\",\"object\":\"chat.completion\",\"created\":1700000100,"
                    + "\"model\":\"" + model + "\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
                    + "\"content\":" + quote(text.toString()) + "},\"finish_reason\":\"" + finish + "\"}],"
                    + "\"usage\":{\"prompt_tokens\":" + promptTokens + ",\"completion_tokens\":" + n
                    + ",\"total_tokens\":" + (promptTokens + n) + "}}");
            return;
        }
        ex.getResponseHeaders().set("Content-Type", "text/event-stream");
        ex.sendResponseHeaders(200, 0);
        OutputStream out = ex.getResponseBody();
        openStreams.incrementAndGet();
        try {
            String head = "{\"id\":\"chatcmpl-fake\",\"object\":\"chat.completion.chunk\",\"created\":1700000100,"
                    + "\"model\":\"" + model + "\",";
            // Like several real servers: role and first word together, finish reason on the last word.
            for (int i = 0; i < n; i++) {
                String delta = (i == 0 ? "\"role\":\"assistant\"," : "") + "\"content\":"
                        + quote(STORY.get(i % STORY.size()));
                String fr = i == n - 1 ? "\"" + finish + "\"" : "null";
                send(out, head + "\"choices\":[{\"index\":0,\"delta\":{" + delta + "},\"finish_reason\":" + fr
                        + "}]}");
                if (last.contains("[midstream-error]") && i == 1) {
                    send(out, error("upstream broke mid-stream", "server_error", "500"));
                    return;
                }
                if (slow) {
                    pause(100);
                }
            }
            JsonObject so = req.getJsonObject("stream_options");
            if (so != null && so.getBoolean("include_usage", false)) {
                send(out, head + "\"choices\":[],\"usage\":{\"prompt_tokens\":" + promptTokens
                        + ",\"completion_tokens\":" + n + ",\"total_tokens\":" + (promptTokens + n) + "}}");
            }
            send(out, "[DONE]");
        } catch (IOException e) {
            abortedStreams.incrementAndGet();
            throw e;
        } finally {
            openStreams.decrementAndGet();
        }
    }

    private void pull(HttpExchange ex) throws IOException {
        pulls.incrementAndGet();
        JsonObject req = parse(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        String model = req.getString("model", "");
        ex.getResponseHeaders().set("Content-Type", "application/x-ndjson");
        ex.sendResponseHeaders(200, 0);
        OutputStream out = ex.getResponseBody();
        line(out, "{\"status\":\"pulling manifest\"}");
        for (int done = 0; done <= 1000; done += 250) {
            line(out, "{\"status\":\"pulling 0123abcd\",\"digest\":\"sha256:0123abcd\",\"total\":1000,"
                    + "\"completed\":" + done + "}");
            pause(model.contains("slow") ? 2000 : 20); // a "slow" model is a long download: 10 s
        }
        line(out, "{\"status\":\"verifying sha256 digest\"}");
        line(out, model.contains("broken") ? "{\"error\":\"pull failed: manifest unknown\"}"
                : "{\"status\":\"success\"}");
    }

    // ------------------------------------------------------------------ helpers

    private static String lastMessage(JsonObject req) {
        JsonArray messages = req.getJsonArray("messages");
        if (messages == null || messages.isEmpty()) {
            return "";
        }
        JsonValue c = messages.getJsonObject(messages.size() - 1).get("content");
        return c instanceof JsonString s ? s.getString() : String.valueOf(c);
    }

    private static int promptWords(JsonObject req) {
        int n = 0;
        for (JsonValue m : req.getJsonArray("messages")) {
            JsonValue c = ((JsonObject) m).get("content");
            if (c instanceof JsonString s) {
                n += s.getString().isBlank() ? 0 : s.getString().strip().split("\\s+").length;
            }
        }
        return n;
    }

    static String error(String message, String type, String code) {
        JsonObjectBuilder e = Json.createObjectBuilder().add("message", message).add("type", type).addNull("param");
        if (code == null) {
            e.addNull("code");
        } else {
            e.add("code", code);
        }
        return Json.createObjectBuilder().add("error", e).build().toString();
    }

    private static void send(OutputStream out, String data) throws IOException {
        out.write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static void line(OutputStream out, String json) throws IOException {
        out.write((json + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static void json(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, b.length);
        ex.getResponseBody().write(b);
    }

    private static JsonObject parse(String s) {
        try (JsonReader r = Json.createReader(new StringReader(s))) {
            return r.readObject();
        }
    }

    private static String quote(String s) {
        return Json.createValue(s).toString();
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
