package dev.jllm.server.ollama;

import dev.jllm.api.openai.ChatCompletionRequest;
import dev.jllm.api.openai.ChatMessage;
import dev.jllm.server.http.RequestBodies;
import dev.jllm.server.openai.JsonFields;
import dev.jllm.server.routing.ModelRouter;
import dev.jllm.server.routing.Readiness503;
import dev.jllm.server.routing.ServerContext;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.List;
import java.util.Set;

/**
 * {@code POST /api/chat}: Ollama's chat, streamed as NDJSON unless {@code "stream": false}. The messages, tools,
 * options and format become the OpenAI request the engine takes for {@code /v1/chat/completions}; no messages
 * loads the model (or, with {@code keep_alive} 0, unloads it).
 */
final class ChatRoute implements OllamaHandler.Body {

    static final Set<String> FIELDS = Set.of("model", "messages", "stream", "format", "keep_alive", "tools",
            "options", "think");

    private final ServerContext ctx;

    ChatRoute(ServerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        long t0 = System.nanoTime();
        Readiness503.check(ctx.readiness());
        JsonFields body = JsonFields.of(RequestBodies.jsonObject(req, ctx.config().maxBodyBytes()));
        OllamaRequests.allowOnly(body, FIELDS, "/api/chat");
        OllamaRequests.Common c = OllamaRequests.common(body);
        List<ChatMessage> messages = OllamaRequests.messages(body);
        ChatCompletionRequest.Builder b = ChatCompletionRequest.builder().messages(messages)
                .tools(OllamaRequests.tools(body));
        OllamaRequests.apply(body, c.model(), b);
        if (messages.isEmpty()) {
            OllamaModels.loadOrUnload(ctx, res, c.model(), c.numCtx(), c.keepAlive(), OllamaGeneration.CHAT);
            return;
        }
        ModelRouter.Routed routed = OllamaModels.route(ctx, c.model(), c.numCtx());
        try {
            long load = routed.loaded() == null ? 0 : routed.loaded().loadNanos();
            OllamaGeneration.run(ctx, res, routed, c.model(), b.build(), null, c.stream(),
                    new OllamaGeneration.Clock(t0, load), OllamaGeneration.CHAT);
        } finally {
            OllamaModels.release(ctx, routed, c.keepAlive());
        }
    }
}
