package dev.jllm.server.routing;

import dev.jllm.api.ChatCompletionStream;
import dev.jllm.api.Llm;
import dev.jllm.api.openai.ChatCompletion;
import dev.jllm.api.openai.ChatCompletionChunk;
import dev.jllm.api.openai.ChunkChoice;
import dev.jllm.server.GenerationSlots;
import dev.jllm.server.ServerContext;
import dev.jllm.server.metrics.GenerationTimer;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * {@code POST /v1/completions}, the legacy text completion: the prompt is continued as-is, without a chat
 * template, through a {@link RawPrompt} chat request. Only instances that declare raw-prompt support get such
 * requests; for the others the answer is 501, since a chat template around the prompt would be a different
 * request from the one asked. Streaming, errors and cancellation work as for chat completions.
 */
public final class CompletionsRoute implements Handler {

    private final ServerContext ctx;

    public CompletionsRoute(ServerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        Readiness503.check(ctx.readiness());
        CompletionRequest request = CompletionRequestValidator.parse(
                RequestBodies.jsonObject(req, ctx.config().maxBodyBytes()));
        ModelRouter.Target target = ctx.router().resolve(request.model());
        Llm llm = ctx.service().get(target.instance());
        if (!RawPrompt.supported(llm)) {
            throw new ApiException(new ApiError(501, "not_supported_error", "instance '" + target.instance()
                    + "' (type " + llm.type() + ") cannot continue a raw prompt, which /v1/completions needs;"
                    + " use /v1/chat/completions", null, "raw_prompt_not_supported", null));
        }
        try (GenerationSlots.Slot _ = ctx.slots().acquire(target.instance())) {
            if (request.stream()) {
                stream(res, request, target);
            } else {
                whole(res, request, target);
            }
        }
    }

    private void whole(ServerResponse res, CompletionRequest request, ModelRouter.Target target) {
        GenerationTimer timer = new GenerationTimer(ctx.metrics(), target.instance());
        ChatCompletion c = ctx.service().chatCompletion(target.instance(),
                request.chat().withModel(target.modelId()));
        timer.finished(c.usage());
        String model = c.model() == null || c.model().isBlank() ? target.modelId() : c.model();
        Responses.json(res, 200, TextCompletionWire.whole(c, WholeAnswers.newId("cmpl-"), model,
                request.echo() ? request.prompt() : null));
    }

    private void stream(ServerResponse res, CompletionRequest request, ModelRouter.Target target) {
        GenerationTimer timer = new GenerationTimer(ctx.metrics(), target.instance());
        String id = WholeAnswers.newId("cmpl-");
        try (ChatCompletionStream stream = ctx.service().chatCompletionStream(target.instance(),
                request.chat().withModel(target.modelId()))) {
            Iterator<ChatCompletionChunk> it = stream.iterator();
            it.hasNext(); // an error before any output still gets its own status
            ChunkNormalizer norm = new ChunkNormalizer(id, System.currentTimeMillis() / 1000, target.modelId());
            SseWriter sse;
            try {
                sse = SseWriter.start(res);
            } catch (ClientGoneException e) {
                return;
            }
            boolean usage = request.includeUsage();
            Set<Integer> echoed = new HashSet<>();
            int[] offsets = new int[ChatRequestValidator.MAX_N + 1];
            try {
                while (it.hasNext()) {
                    send(sse, norm.accept(it.next()), request, id, usage, timer, echoed, offsets);
                }
                send(sse, norm.finish(), request, id, usage, timer, echoed, offsets);
                if (usage && norm.usage() != null) {
                    ChatCompletionChunk u = norm.usageChunk();
                    sse.data(TextCompletionWire.usageChunk(id, u.created(), u.model(), u.usage()));
                }
                sse.done();
                timer.finished(norm.usage());
            } catch (ClientGoneException e) {
                // closing the stream below cancels the generation
            } catch (RuntimeException e) {
                try {
                    sse.data(Errors.from(e).toJson().toString());
                } catch (ClientGoneException ignored) {
                    // gone meanwhile
                }
            } finally {
                sse.close();
            }
        }
    }

    private static void send(SseWriter sse, List<ChatCompletionChunk> chunks, CompletionRequest request, String id,
                             boolean usage, GenerationTimer timer, Set<Integer> echoed, int[] offsets) {
        for (ChatCompletionChunk c : chunks) {
            ChunkChoice ch = c.choices().getFirst();
            int index = ch.index();
            String text = ch.delta().content() == null ? "" : ch.delta().content();
            if (request.echo() && echoed.add(index)) {
                text = request.prompt() + text;
            }
            if (text.isEmpty() && ch.finishReason() == null && ch.logprobs() == null) {
                continue; // the chat role chunk has no counterpart here
            }
            if (!text.isEmpty()) {
                timer.content();
            }
            int slot = Math.min(Math.max(index, 0), offsets.length - 1);
            var lp = TextCompletionWire.logprobs(ch.logprobs(), offsets[slot]);
            offsets[slot] += text.length();
            sse.data(TextCompletionWire.chunk(id, c.created(), c.model(), index, text, lp, ch.finishReason(), usage));
        }
    }
}
