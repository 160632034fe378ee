package dev.jllm.server.ollama;

import dev.jllm.server.routing.ServerContext;
import io.helidon.webserver.http.HttpRouting;

import java.util.List;

import static dev.jllm.server.metrics.RouteLabel.named;

/**
 * Ollama's native API ({@code /api/...}) on jllm's server, for the clients that speak it (Open WebUI, Continue,
 * LangChain4j's and Spring AI's Ollama modules, the {@code ollama} npm and Python libraries). Every route answers
 * errors in Ollama's shape, {@code {"error": "..."}}; see docs/ollama-api.md for what is honoured and refused.
 */
public final class OllamaRoutes {

    /** The paths, for the fallback route's 405s. */
    public static final List<String> PATHS = List.of("/api/chat", "/api/generate", "/api/tags", "/api/ps",
            "/api/show", "/api/pull", "/api/delete", "/api/copy", "/api/embed", "/api/embeddings", "/api/version");

    private OllamaRoutes() { }

    public static void register(HttpRouting.Builder routing, ServerContext ctx) {
        Catalog catalog = new Catalog(ctx);
        InfoRoutes info = new InfoRoutes(ctx, catalog);
        ManageRoutes manage = new ManageRoutes(ctx, catalog);
        OllamaGeneration.Route chat = new OllamaGeneration.Route(ctx, ChatRoute.FIELDS, "/api/chat",
                ChatRoute::generate);
        OllamaGeneration.Route generate = new OllamaGeneration.Route(ctx, GenerateRoute.FIELDS, "/api/generate",
                GenerateRoute::generate);
        routing.post("/api/chat", named("/api/chat", OllamaHandler.of(chat)))
                .post("/api/generate", named("/api/generate", OllamaHandler.of(generate)))
                .get("/api/tags", named("/api/tags", OllamaHandler.of(info::tags)))
                .head("/api/tags", named("/api/tags", OllamaHandler.of(info::tags)))
                .get("/api/ps", named("/api/ps", OllamaHandler.of(info::ps)))
                .post("/api/show", named("/api/show", OllamaHandler.of(info::show)))
                .post("/api/pull", named("/api/pull", OllamaHandler.of(new PullRoute(ctx))))
                .delete("/api/delete", named("/api/delete", OllamaHandler.of(manage::delete)))
                .post("/api/copy", named("/api/copy", OllamaHandler.of(manage::copy)))
                .post("/api/embed", named("/api/embed", OllamaHandler.of(new EmbedRoute(ctx, false))))
                .post("/api/embeddings", named("/api/embeddings", OllamaHandler.of(new EmbedRoute(ctx, true))))
                .get("/api/version", named("/api/version", OllamaHandler.of(info::version)))
                .head("/api/version", named("/api/version", OllamaHandler.of(info::version)));
    }
}
