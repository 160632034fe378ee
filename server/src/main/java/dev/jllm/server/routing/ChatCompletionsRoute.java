package dev.jllm.server.routing;

import dev.jllm.api.ChatCompletionStream;
import dev.jllm.api.openai.ChatCompletion;
import dev.jllm.api.openai.ChatCompletionChunk;
import dev.jllm.api.openai.ChatCompletionRequest;
import dev.jllm.api.openai.StreamOptions;
import dev.jllm.server.GenerationSlots;
import dev.jllm.server.ServerContext;
import dev.jllm.server.metrics.GenerationTimer;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.Iterator;
import java.util.List;

/**
 * {@code POST /v1/chat/completions}, whole or streamed. The request is checked, routed to an instance, and given
 * a slot there; a streamed answer is held back until the instance produced its first chunk, so that a failure
 * before any output (a prompt longer than the context, an unknown model upstream) still gets its own status.
 * After that, a failure is sent as a {@code data: {"error":...}} event. A client that disconnects closes the
 * instance's stream, which cancels the generation and frees the slot.
 */
public final class ChatCompletionsRoute implements Handler {

    private static final System.Logger LOG = System.getLogger(ChatCompletionsRoute.class.getName());

    private final ServerContext ctx;

    public ChatCompletionsRoute(ServerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        Readiness503.check(ctx.readiness());
        ChatCompletionRequest request = ChatRequestValidator.parse(
                RequestBodies.jsonObject(req, ctx.config().maxBodyBytes()));
        ModelRouter.Target target = ctx.router().resolve(request.model());
        ChatCompletionRequest forInstance = request.withModel(target.modelId());
        try (GenerationSlots.Slot _ = ctx.slots().acquire(target.instance())) {
            if (request.isStream()) {
                stream(res, request, forInstance, target);
            } else {
                whole(res, forInstance, target);
            }
        }
    }

    private void whole(ServerResponse res, ChatCompletionRequest request, ModelRouter.Target target) {
        GenerationTimer timer = new GenerationTimer(ctx.metrics(), target.instance());
        ChatCompletion c = ctx.service().chatCompletion(target.instance(), request.withStream(false));
        timer.finished(c.usage());
        Responses.json(res, 200, OpenAiWire.completion(WholeAnswers.normalized(c, target.modelId())));
    }

    private void stream(ServerResponse res, ChatCompletionRequest asked, ChatCompletionRequest forInstance,
                        ModelRouter.Target target) {
        // The instance is always asked for usage: the metrics count tokens; the client gets it only if it asked.
        ChatCompletionRequest r = forInstance.toBuilder().stream(true).streamOptions(StreamOptions.INCLUDE_USAGE)
                .build();
        boolean usageMember = asked.includeUsage();
        GenerationTimer timer = new GenerationTimer(ctx.metrics(), target.instance());
        try (ChatCompletionStream stream = ctx.service().chatCompletionStream(target.instance(), r)) {
            Iterator<ChatCompletionChunk> it = stream.iterator();
            it.hasNext(); // waits for the first chunk: an error before any output still gets its own status
            ChunkNormalizer norm = new ChunkNormalizer(WholeAnswers.newId("chatcmpl-"),
                    System.currentTimeMillis() / 1000, target.modelId());
            SseWriter sse;
            try {
                sse = SseWriter.start(res);
            } catch (ClientGoneException e) {
                return; // closing the stream (try-with-resources) cancels the generation
            }
            try {
                while (it.hasNext()) {
                    send(sse, norm.accept(it.next()), usageMember, timer);
                }
                send(sse, norm.finish(), usageMember, timer);
                if (usageMember) {
                    if (norm.usage() != null) {
                        sse.data(OpenAiWire.chunk(norm.usageChunk(), true));
                    } else {
                        LOG.log(System.Logger.Level.WARNING, "instance '" + target.instance()
                                + "' reported no usage for a stream that asked for it");
                    }
                }
                sse.done();
                timer.finished(norm.usage());
            } catch (ClientGoneException e) {
                LOG.log(System.Logger.Level.DEBUG, "client left a chat stream; cancelling the generation");
            } catch (RuntimeException e) {
                ApiError err = Errors.from(e);
                try {
                    sse.data(err.toJson().toString());
                } catch (ClientGoneException ignored) {
                    // it left while we failed: nothing more to tell
                }
            } finally {
                sse.close();
            }
        }
    }

    private static void send(SseWriter sse, List<ChatCompletionChunk> chunks, boolean usageMember,
                             GenerationTimer timer) {
        for (ChatCompletionChunk c : chunks) {
            if (!c.text().isEmpty()) {
                timer.content();
            }
            sse.data(OpenAiWire.chunk(c, usageMember));
        }
    }
}
