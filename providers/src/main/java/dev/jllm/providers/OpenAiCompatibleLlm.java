package dev.jllm.providers;

import dev.jllm.api.ChatCompletionStream;
import dev.jllm.api.HttpLlmConfig;
import dev.jllm.api.Llm;
import dev.jllm.api.LlmConfig;
import dev.jllm.api.LlmException;
import dev.jllm.api.LlmException.Kind;
import dev.jllm.api.LlmInfo;
import dev.jllm.api.ProgressListener;
import dev.jllm.api.QueuedChatCompletionStream;
import dev.jllm.api.json.Json;
import dev.jllm.api.openai.ChatCompletion;
import dev.jllm.api.openai.ChatCompletionChunk;
import dev.jllm.api.openai.ChatCompletionDelta;
import dev.jllm.api.openai.ChatCompletionRequest;
import dev.jllm.api.openai.CompletionRequest;
import dev.jllm.api.openai.TextCompletion;
import dev.jllm.api.openai.EmbeddingRequest;
import dev.jllm.api.openai.EmbeddingResponse;
import dev.jllm.api.openai.Choice;
import dev.jllm.api.openai.ChunkChoice;
import dev.jllm.api.openai.Model;
import dev.jllm.api.openai.ModelList;
import dev.jllm.providers.http.HttpErrors;
import dev.jllm.providers.http.HttpTransport;
import dev.jllm.providers.http.IdleWatchdog;
import dev.jllm.providers.http.WatchedInputStream;
import jakarta.json.JsonObject;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An instance backed by a server speaking the OpenAI chat API: OpenAI itself, Ollama or LM Studio. Chat and model
 * listing go through {@code <base>/chat/completions} and {@code <base>/models}; model lifecycle operations go to
 * the server's own API where it has one (Ollama) and are NOT_SUPPORTED elsewhere.
 */
public final class OpenAiCompatibleLlm implements Llm {

    private final String name;
    private final HttpLlmConfig config;
    private final HttpTransport http;
    private final ModelAdmin admin;
    private final Set<QueuedChatCompletionStream> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    public OpenAiCompatibleLlm(String name, HttpLlmConfig config) {
        this.name = Objects.requireNonNull(name, "name");
        this.config = Objects.requireNonNull(config, "config");
        this.http = new HttpTransport(config.apiKey(), config.timeouts());
        this.admin = switch (config.type()) {
            case LlmConfig.OLLAMA -> new OllamaNativeApi(http, OllamaNativeApi.rootOf(config.baseUrl()));
            case LlmConfig.LMSTUDIO -> new LmStudioRestApi(http, OllamaNativeApi.rootOf(config.baseUrl()));
            default -> ModelAdmin.unsupported(config.type());
        };
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public HttpLlmConfig config() {
        return config;
    }

    @Override
    public List<Model> models() {
        ensureOpen();
        URI uri = uri("/models");
        String body = http.readBody(http.send(http.request(uri, config.timeouts().request(), "application/json")
                .GET().build()), config.timeouts().idle());
        return parse(body, ModelList.class, uri).data();
    }

    /** {@code POST /embeddings}, always asking for floats (base64 is the jllm server's own wire concern). */
    @Override
    public EmbeddingResponse embeddings(EmbeddingRequest request) {
        ensureOpen();
        if (request == null || request.model() == null || request.input() == null || request.input().isEmpty()) {
            throw LlmException.invalid("an embedding request needs a model and at least one input");
        }
        EmbeddingRequest r = new EmbeddingRequest(request.model(), request.input(), "float", request.dimensions(),
                request.user());
        URI uri = uri("/embeddings");
        HttpRequest post = http.request(uri, config.timeouts().request(), "application/json")
                .header("Content-Type", "application/json")
                .POST(HttpTransport.json(Json.toJson(r)))
                .build();
        return parse(http.readBody(http.send(post), config.timeouts().idle()), EmbeddingResponse.class, uri);
    }

    @Override
    public ChatCompletion chatCompletion(ChatCompletionRequest request) {
        HttpResponse<InputStream> response = sendChat(request, false);
        return parse(http.readBody(response, config.timeouts().idle()), ChatCompletion.class, response.request().uri());
    }

    @Override
    public ChatCompletionStream chatCompletionStream(ChatCompletionRequest request) {
        // Waiting for the headers here means an HTTP error (401, 404, 429...) is thrown by this call, before any
        // chunk, so a server relaying it can still answer with the right status.
        HttpResponse<InputStream> response = sendChat(request, true);
        URI uri = response.request().uri();
        String contentType = response.headers().firstValue("Content-Type").orElse("").toLowerCase(Locale.ROOT);
        if (contentType.startsWith("application/json")) {
            // Some servers ignore stream=true and answer whole; hand that on as a stream all the same.
            ChatCompletion whole = parse(http.readBody(response, config.timeouts().idle()), ChatCompletion.class, uri);
            return ChatCompletionStream.of(asChunks(whole, request.includeUsage()));
        }
        return pump(response, uri, ChatCompletionChunk.class);
    }

    /**
     * A raw completion through the upstream's legacy {@code /completions} endpoint (OpenAI, Ollama, LM Studio and
     * llama.cpp's server have it), its {@code text_completion} answer given the shape of a chat completion.
     */
    @Override
    public ChatCompletion complete(CompletionRequest request) {
        ensureOpen();
        CompletionRequest r = validated(request).withStream(false, null);
        URI uri = uri("/completions");
        HttpResponse<InputStream> response = http.send(post(uri, r, "application/json"));
        return parse(http.readBody(response, config.timeouts().idle()), TextCompletion.class, uri).toChat();
    }

    @Override
    public ChatCompletionStream completeStream(CompletionRequest request) {
        ensureOpen();
        CompletionRequest given = validated(request);
        CompletionRequest r = given.withStream(true, given.streamOptions());
        URI uri = uri("/completions");
        HttpResponse<InputStream> response = http.send(post(uri, r, "text/event-stream"));
        String contentType = response.headers().firstValue("Content-Type").orElse("").toLowerCase(Locale.ROOT);
        if (contentType.startsWith("application/json")) {
            ChatCompletion whole = parse(http.readBody(response, config.timeouts().idle()), TextCompletion.class, uri)
                    .toChat();
            return ChatCompletionStream.of(asChunks(whole, r.includeUsage()));
        }
        return pump(response, uri, TextCompletion.class);
    }

    /** A raw completion this instance can send: log probabilities come back in a layout it does not read. */
    private static CompletionRequest validated(CompletionRequest request) {
        if (request == null) {
            throw LlmException.invalid("the request is empty");
        }
        if (request.prompt() == null) {
            throw LlmException.invalidParam("prompt", "a prompt is required");
        }
        if (request.logprobs() != null) {
            throw LlmException.invalidParam("logprobs", "raw completions through a remote instance do not report"
                    + " log probabilities");
        }
        return request;
    }

    /** The upstream's SSE answer, pumped into a stream by a virtual thread; closing the stream aborts it. */
    private ChatCompletionStream pump(HttpResponse<InputStream> response, URI uri, Class<?> wire) {
        InputStream raw = response.body();
        QueuedChatCompletionStream stream = new QueuedChatCompletionStream();
        IdleWatchdog.Watch watch = IdleWatchdog.watch(config.timeouts().idle(), () -> HttpTransport.closeQuietly(raw));
        InputStream body = new WatchedInputStream(raw, watch);
        open.add(stream);
        stream.onCancel(() -> {
            watch.close();
            HttpTransport.closeQuietly(raw); // aborts the exchange: the server sees the connection close
        });
        SseChunkPump pump = new SseChunkPump(body, stream, watch, config.timeouts().idle(), uri, wire);
        Thread.ofVirtual().name("jllm-sse-" + name).start(() -> {
            try {
                pump.run();
            } finally {
                open.remove(stream);
            }
        });
        if (closed) {
            stream.close();
        }
        return stream;
    }

    @Override
    public void serve(String model, ProgressListener progress) {
        ensureOpen();
        admin.serve(model, progress == null ? ProgressListener.NONE : progress);
    }

    @Override
    public void unload(String model) {
        ensureOpen();
        admin.unload(model);
    }

    @Override
    public void deleteModel(String model) {
        ensureOpen();
        admin.delete(model);
    }

    /** Asks the server for its model list with the connect timeout as the limit; never throws. */
    @Override
    public boolean isReady() {
        if (closed) {
            return false;
        }
        try {
            URI uri = uri("/models");
            http.readBody(http.send(http.request(uri, config.timeouts().connect(), "application/json").GET().build()),
                    config.timeouts().connect());
            return true;
        } catch (LlmException e) {
            return false;
        }
    }

    @Override
    public LlmInfo info() {
        boolean ready = isReady();
        Map<String, String> details = new LinkedHashMap<>();
        details.put("connect_timeout", HttpErrors.human(config.timeouts().connect()));
        details.put("request_timeout", HttpErrors.human(config.timeouts().request()));
        details.put("idle_timeout", HttpErrors.human(config.timeouts().idle()));
        details.put("auth", config.apiKey() == null ? "none" : "bearer");
        details.put("open_streams", Integer.toString(open.size()));
        return new LlmInfo(name, type(), ready, config.baseUrl(), ready ? admin.loadedModels() : List.of(), details);
    }

    /** Cancels the streams still open and stops the HTTP client. */
    @Override
    public void close() {
        closed = true;
        for (QueuedChatCompletionStream s : List.copyOf(open)) {
            s.close();
        }
        http.close();
    }

    private void ensureOpen() {
        if (closed) {
            throw LlmException.instanceClosed(name);
        }
    }

    private static ChatCompletionRequest validated(ChatCompletionRequest r) {
        if (r == null) {
            throw LlmException.invalid("a chat completion request is required");
        }
        if (r.model() == null || r.model().isBlank()) {
            throw LlmException.invalid("the request names no model");
        }
        if (r.messages() == null || r.messages().isEmpty()) {
            throw LlmException.invalid("the request has no messages");
        }
        return r;
    }

    /** Sends a checked chat request, streamed or whole, and waits for the answer's headers. */
    private HttpResponse<InputStream> sendChat(ChatCompletionRequest request, boolean stream) {
        ensureOpen();
        ChatCompletionRequest r = validated(request).withStream(stream);
        return http.send(post(uri("/chat/completions"), r, stream ? "text/event-stream" : "application/json"));
    }

    private HttpRequest post(URI uri, Object r, String accept) {
        return http.request(uri, config.timeouts().request(), accept)
                .header("Content-Type", "application/json")
                .POST(HttpTransport.json(Json.toJson(r)))
                .build();
    }

    private URI uri(String path) {
        return URI.create(config.baseUrl() + path);
    }

    /** Parses a 2xx body, treating an error object in it (some servers answer 200 with one) as the error. */
    private static <T> T parse(String body, Class<T> type, URI from) {
        JsonObject error = HttpErrors.errorObject(body);
        if (error != null) {
            throw HttpErrors.fromErrorJson(error, 0).withOrigin(LlmException.Origin.UPSTREAM);
        }
        try {
            return Json.fromJson(body, type);
        } catch (LlmException e) {
            throw new LlmException(Kind.UPSTREAM, "malformed answer from " + from + ": " + e.getMessage(), e)
                    .withOrigin(LlmException.Origin.UPSTREAM);
        }
    }

    /** The chunks a whole completion would have been streamed as. */
    static List<ChatCompletionChunk> asChunks(ChatCompletion c, boolean includeUsage) {
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        for (Choice choice : c.choices()) {
            var m = choice.message();
            ChatCompletionDelta delta = m == null ? ChatCompletionDelta.EMPTY
                    : new ChatCompletionDelta(m.role(), m.content() == null ? null : m.content().text(),
                    m.toolCalls() == null ? null : indexed(m.toolCalls()), m.refusal());
            chunks.add(new ChatCompletionChunk(c.id(), ChatCompletionChunk.OBJECT, c.created(), c.model(),
                    c.systemFingerprint(), List.of(new ChunkChoice(choice.index(), delta, choice.logprobs(),
                    choice.finishReason())), null));
        }
        if (includeUsage && c.usage() != null) {
            chunks.add(new ChatCompletionChunk(c.id(), ChatCompletionChunk.OBJECT, c.created(), c.model(),
                    c.systemFingerprint(), List.of(), c.usage()));
        }
        return chunks;
    }

    private static List<dev.jllm.api.openai.ToolCall> indexed(List<dev.jllm.api.openai.ToolCall> calls) {
        List<dev.jllm.api.openai.ToolCall> out = new ArrayList<>();
        for (int i = 0; i < calls.size(); i++) {
            var t = calls.get(i);
            out.add(new dev.jllm.api.openai.ToolCall(i, t.id(), t.type(), t.function()));
        }
        return out;
    }
}
