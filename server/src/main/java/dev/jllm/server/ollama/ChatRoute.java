package dev.jllm.server.ollama;

import dev.jllm.api.openai.ChatCompletionRequest;
import dev.jllm.api.openai.ChatMessage;
import dev.jllm.server.openai.JsonFields;
import dev.jllm.server.routing.ServerContext;
import io.helidon.webserver.http.ServerResponse;

import java.util.List;
import java.util.Set;

/**
 * {@code POST /api/chat}: Ollama's chat, streamed as NDJSON unless {@code "stream": false}. The messages, tools,
 * options and format become the OpenAI request the engine takes for {@code /v1/chat/completions}; no messages
 * loads the model (or, with {@code keep_alive} 0, unloads it).
 */
final class ChatRoute {

    static final Set<String> FIELDS = Set.of("model", "messages", "stream", "format", "keep_alive", "tools",
            "options", "think");

    private ChatRoute() { }

    /** An {@link OllamaGeneration.Generate}: the request's members are within {@link #FIELDS}. */
    static void generate(ServerContext ctx, ServerResponse res, JsonFields body, OllamaRequests.Common c,
                                 long t0) {
        List<ChatMessage> messages = OllamaRequests.messages(body);
        ChatCompletionRequest.Builder b = ChatCompletionRequest.builder().messages(messages)
                .tools(OllamaRequests.tools(body));
        OllamaRequests.apply(body, c.model(), b);
        if (messages.isEmpty()) {
            OllamaModels.loadOrUnload(ctx, res, c.model(), c.numCtx(), c.keepAlive(), OllamaGeneration.CHAT);
            return;
        }
        OllamaGeneration.routeAndRun(ctx, res, c, b.build(), null, t0, OllamaGeneration.CHAT);
    }
}
