package dev.jllm.server.routing;

import dev.jllm.api.ChatCompletionStream;
import dev.jllm.api.openai.ChatCompletion;
import dev.jllm.api.openai.ChatCompletionChunk;
import dev.jllm.api.openai.ChatCompletionRequest;
import dev.jllm.api.openai.StreamOptions;
import dev.jllm.server.http.ClientWatch;
import dev.jllm.server.metrics.GenerationTimer;
import dev.jllm.server.openai.ChatRequestValidator;
import dev.jllm.server.openai.ChunkNormalizer;
import dev.jllm.server.openai.OpenAiWire;
import dev.jllm.server.openai.Responses;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * {@code POST /v1/chat/completions}, whole or streamed. The request is checked, routed to an instance, and given
 * a slot there; a streamed answer is held back until the instance produced its first chunk, so that a failure
 * before any output (a prompt longer than the context, an unknown model upstream) still gets its own status.
 * After that, a failure is sent as a {@code data: {"error":...}} event. A client that disconnects closes the
 * instance's stream, which cancels the generation and frees the slot.
 */
public final class ChatCompletionsRoute extends GenerationRoute<ChatCompletionRequest> {

    public ChatCompletionsRoute(ServerContext ctx) {
        super(ctx, PromptSize::checkChat, ChatRequestValidator::parse, ChatCompletionRequest::model,
                ChatCompletionRequest::isStream);
    }

    @Override
    void whole(ServerRequest req, ServerResponse res, ChatCompletionRequest asked, ModelRouter.Target target) {
        ChatCompletionRequest request = asked.withModel(target.modelId());
        GenerationTimer timer = new GenerationTimer(ctx.metrics(), target.instance());
        ChatCompletion c = ClientWatch.whileConnected(req,
                () -> ctx.service().chatCompletion(target.instance(), request.withStream(false)));
        timer.finished(c.usage());
        Responses.json(res, 200, OpenAiWire.completion(WholeAnswers.normalized(c,
                target.shownModel(asked.model()))));
    }

    @Override
    void stream(ServerResponse res, ChatCompletionRequest asked, ModelRouter.Target target) {
        // The instance is always asked for usage: the metrics count tokens; the client gets it only if it asked.
        ChatCompletionRequest r = asked.withModel(target.modelId()).toBuilder().stream(true)
                .streamOptions(StreamOptions.INCLUDE_USAGE).build();
        boolean usageMember = asked.includeUsage();
        GenerationTimer timer = new GenerationTimer(ctx.metrics(), target.instance());
        try (ChatCompletionStream stream = ctx.service().chatCompletionStream(target.instance(), r)) {
            ChunkNormalizer norm = new ChunkNormalizer(WholeAnswers.newId("chatcmpl-"),
                    System.currentTimeMillis() / 1000, target.shownModel(asked.model()));
            SseGeneration.send(res, stream, norm, usageMember, timer, new SseGeneration.Encoder() {
                @Override
                public String chunk(ChatCompletionChunk c) {
                    return OpenAiWire.chunk(c, usageMember);
                }

                @Override
                public String usage(ChatCompletionChunk u) {
                    return OpenAiWire.chunk(u, true);
                }
            }, target.instance());
        }
    }
}
