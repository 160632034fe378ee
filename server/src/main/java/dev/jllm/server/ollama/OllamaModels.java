package dev.jllm.server.ollama;

import dev.jllm.models.store.ModelStoreException;
import dev.jllm.server.ondemand.ModelNames;
import dev.jllm.server.ondemand.OnDemandModels;
import dev.jllm.server.openai.ApiException;
import dev.jllm.server.routing.ModelRouter;
import dev.jllm.server.routing.ServerContext;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;
import jakarta.json.JsonObjectBuilder;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/** The model side of the Ollama routes: routing a name (Ollama's 404), the load/unload-only requests, release. */
final class OllamaModels {

    private OllamaModels() { }

    /** Where a request for {@code model} goes; a name that does not route is Ollama's 404. */
    static ModelRouter.Routed route(ServerContext ctx, String model, int numCtx) {
        try {
            return ctx.router().route(model, numCtx);
        } catch (ApiException e) {
            if ("model_not_found".equals(e.error().code())) {
                throw OllamaException.modelNotFound(model);
            }
            throw e;
        }
    }

    /** The request is done: an on-demand model's keep-alive starts (zero unloads it, negative keeps it). */
    static void release(ServerContext ctx, ModelRouter.Routed routed, Duration keepAlive) {
        if (routed.loaded() != null) {
            ctx.router().onDemand().release(routed.loaded().canonical(), keepAlive);
        }
    }

    /** The canonical name of a model the server knows, without loading it; empty if it is not there. */
    static Optional<String> canonical(ServerContext ctx, String model) {
        OnDemandModels od = ctx.router().onDemand();
        Optional<OnDemandModels.Loaded> byInstance = od.byInstance(model);
        if (byInstance.isPresent()) {
            return Optional.of(byInstance.get().canonical());
        }
        try {
            return od.names().find(model, false).map(ModelNames.Found::canonical);
        } catch (ModelStoreException e) {
            throw OllamaException.badRequest(e.getMessage());
        }
    }

    /**
     * Ollama's way to load or unload a model without generating: an empty prompt (or no messages). With
     * {@code keep_alive} 0 the model is unloaded ({@code done_reason} "unload"), else loaded ("load").
     */
    static void loadOrUnload(ServerContext ctx, ServerResponse res, String model, int numCtx, Duration keepAlive,
                             OllamaGeneration.Shape shape) {
        String reason;
        if (keepAlive != null && keepAlive.isZero()) {
            Optional<OnDemandModels.Loaded> pinned = ctx.router().onDemand().loaded().stream()
                    .filter(l -> l.pinned() && l.instance().equals(model)).findFirst();
            String canonical = pinned.map(OnDemandModels.Loaded::canonical)
                    .or(() -> canonical(ctx, model)).orElse(null);
            if (canonical == null && !ctx.service().has(model)) {
                throw OllamaException.modelNotFound(model);
            }
            if (canonical != null) {
                ctx.router().onDemand().unload(canonical); // false: it was not loaded, which is what was asked
            } else {
                throw OllamaException.badRequest("'" + model + "' was loaded with --model or created through the"
                        + " jobs API and stays loaded until the server stops");
            }
            reason = "unload";
        } else {
            ModelRouter.Routed routed = route(ctx, model, numCtx);
            release(ctx, routed, keepAlive);
            reason = "load";
        }
        JsonObjectBuilder b = OllamaGeneration.head(model);
        shape.text(b, "", null);
        b.add("done_reason", reason).add("done", true);
        res.status(Status.OK_200);
        res.header(HeaderNames.CONTENT_TYPE, "application/json; charset=utf-8");
        res.send(b.build().toString().getBytes(StandardCharsets.UTF_8));
    }
}
