package dev.jllm.server.ollama;

import dev.jllm.server.ServerContext;
import dev.jllm.server.routing.JsonFields;
import dev.jllm.server.routing.RequestBodies;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * {@code POST /api/embed} and {@code POST /api/embeddings}: refused with a 501 in Ollama's shape, saying why, since
 * the engine computes no embeddings yet. An unknown model is still Ollama's 404, so clients see the usual answer
 * for a name they got wrong.
 */
final class EmbedRoute implements OllamaHandler.Body {

    private final ServerContext ctx;
    private final Catalog catalog;

    EmbedRoute(ServerContext ctx, Catalog catalog) {
        this.ctx = ctx;
        this.catalog = catalog;
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        JsonFields body = JsonFields.of(RequestBodies.jsonObject(req, ctx.config().maxBodyBytes()));
        String model = OllamaRequests.model(body);
        if (catalog.find(model).isEmpty() && !ctx.service().has(model)) {
            throw OllamaException.modelNotFound(model);
        }
        throw new OllamaException(501, "embeddings are not implemented in jllm yet: \"" + model + "\" can chat and"
                + " generate, but /api/embed and /api/embeddings have no engine to compute vectors");
    }
}
