package dev.jllm.server.ollama;

import dev.jllm.api.openai.Embedding;
import dev.jllm.api.openai.EmbeddingRequest;
import dev.jllm.api.openai.EmbeddingResponse;
import dev.jllm.server.openai.JsonFields;
import dev.jllm.server.routing.ModelRouter;
import dev.jllm.server.routing.Readiness503;
import dev.jllm.server.routing.ServerContext;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code POST /api/embed} ({@code input}: a string or a list; {@code embeddings}: one normalized vector each, with
 * Ollama's durations and {@code prompt_eval_count}) and the older {@code POST /api/embeddings} ({@code prompt}:
 * one string; {@code embedding}: one vector). The model is loaded on demand like a chat's and released with the
 * request's {@code keep_alive}.
 */
final class EmbedRoute implements OllamaHandler.Body {

    private static final Set<String> EMBED_FIELDS = Set.of("model", "name", "input", "truncate", "options",
            "keep_alive", "dimensions");
    private static final Set<String> EMBEDDINGS_FIELDS = Set.of("model", "name", "prompt", "options",
            "keep_alive");

    private final ServerContext ctx;
    private final boolean legacy;

    /** @param legacy true for {@code /api/embeddings} (one prompt, one vector) */
    EmbedRoute(ServerContext ctx, boolean legacy) {
        this.ctx = ctx;
        this.legacy = legacy;
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        long t0 = System.nanoTime();
        Readiness503.check(ctx.readiness());
        String route = legacy ? "/api/embeddings" : "/api/embed";
        JsonFields body = OllamaRequests.body(req, ctx, legacy ? EMBEDDINGS_FIELDS : EMBED_FIELDS, route);
        String model = OllamaRequests.model(body);
        Duration keepAlive = OllamaRequests.keepAlive(body);
        List<String> inputs = legacy ? List.of(prompt(body)) : inputs(body);
        // jllm never cuts an input: one longer than the context is refused (truncate false is what it does).
        Boolean truncate = legacy ? null : body.bool("truncate");
        Integer dimensions = legacy ? null : body.integer("dimensions", 1, 1 << 20);
        JsonFields options = body.nested("options");
        int numCtx = 0;
        if (options != null) {
            OllamaRequests.allowOnly(options, Set.of("num_ctx"), route + " options");
            Integer n = options.integer("num_ctx", 1, Integer.MAX_VALUE);
            numCtx = n == null ? 0 : n;
        }
        if (Boolean.TRUE.equals(truncate)) {
            throw OllamaException.badRequest("truncate: true is not supported: jllm refuses an input longer than the"
                    + " context instead of cutting it (send truncate: false or leave it out)");
        }
        ModelRouter.Routed routed = OllamaModels.route(ctx, model, numCtx);
        EmbeddingResponse r;
        try {
            r = ctx.service().embeddings(routed.target().instance(), new EmbeddingRequest(
                    routed.target().modelId(), inputs, "float", dimensions, null));
        } finally {
            OllamaModels.release(ctx, routed, keepAlive);
        }
        JsonObjectBuilder o = Json.createObjectBuilder();
        if (legacy) {
            o.add("embedding", vector(r.data().getFirst()));
        } else {
            JsonArrayBuilder all = Json.createArrayBuilder();
            for (Embedding e : r.data()) {
                all.add(vector(e));
            }
            long load = routed.loaded() == null ? 0 : routed.loaded().loadNanos();
            o.add("model", model).add("embeddings", all).add("total_duration", System.nanoTime() - t0)
                    .add("load_duration", load).add("prompt_eval_count", r.usage() == null ? 0
                            : r.usage().promptTokens());
        }
        res.header(HeaderNames.CONTENT_TYPE, "application/json; charset=utf-8");
        res.send(o.build().toString().getBytes(StandardCharsets.UTF_8));
    }

    private static JsonArrayBuilder vector(Embedding e) {
        JsonArrayBuilder v = Json.createArrayBuilder();
        for (float x : e.embedding()) {
            v.add((double) x);
        }
        return v;
    }

    private static String prompt(JsonFields body) {
        String p = body.string("prompt");
        if (p == null) {
            throw OllamaException.badRequest("prompt is required");
        }
        return p;
    }

    private static List<String> inputs(JsonFields body) {
        JsonValue v = body.value("input");
        if (v instanceof JsonString s) {
            return List.of(s.getString());
        }
        if (v instanceof JsonArray a && !a.isEmpty()) {
            List<String> out = new ArrayList<>(a.size());
            for (JsonValue x : a) {
                if (!(x instanceof JsonString s)) {
                    throw OllamaException.badRequest("input must be a string or a list of strings");
                }
                out.add(s.getString());
            }
            return out;
        }
        throw OllamaException.badRequest("input is required: a string or a non-empty list of strings");
    }
}
