package dev.jllm.server.routing;

import dev.jllm.api.ChatCompletionStream;
import dev.jllm.api.Llm;
import dev.jllm.api.LlmException;
import dev.jllm.api.openai.ChatCompletion;
import dev.jllm.api.openai.ChatCompletionChunk;
import dev.jllm.api.openai.ChunkChoice;
import dev.jllm.server.http.ClientWatch;
import dev.jllm.server.metrics.GenerationTimer;
import dev.jllm.server.openai.ApiError;
import dev.jllm.server.openai.ApiException;
import dev.jllm.server.openai.ChunkNormalizer;
import dev.jllm.server.openai.CompletionRequestValidator;
import dev.jllm.server.openai.LegacyCompletion;
import dev.jllm.server.openai.Responses;
import dev.jllm.server.openai.TextCompletionWire;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * {@code POST /v1/completions}, the legacy text completion: the prompt is continued as-is, without a chat
 * template ({@code Llm.complete}). An instance that cannot do that refuses (NOT_SUPPORTED) and the answer is 501,
 * since a chat template around the prompt would be a different request from the one asked. Streaming, errors and cancellation work as for chat completions.
 */
public final class CompletionsRoute extends GenerationRoute<LegacyCompletion> {

    public CompletionsRoute(ServerContext ctx) {
        super(ctx, PromptSize::checkRaw, CompletionRequestValidator::parse, LegacyCompletion::model,
                LegacyCompletion::stream);
    }

    @Override
    RuntimeException refusal(LlmException e, ModelRouter.Target target) {
        Llm llm = ctx.service().get(target.instance());
        return e.getMessage().equals(llm.rawPromptsNotSupported().getMessage()) ? notSupported(e) : e;
    }

    /** An instance without raw completions: 501, with the code clients have seen for it since the first release. */
    private static ApiException notSupported(LlmException e) {
        return new ApiException(new ApiError(501, "not_supported_error", e.getMessage() + ", which /v1/completions"
                + " needs: use /v1/chat/completions", null, "raw_prompt_not_supported", null));
    }

    @Override
    void whole(ServerRequest req, ServerResponse res, LegacyCompletion request, ModelRouter.Target target) {
        GenerationTimer timer = new GenerationTimer(ctx.metrics(), target.instance());
        ChatCompletion c = ClientWatch.whileConnected(req,
                () -> ctx.service().complete(target.instance(), request.request().withModel(target.modelId())));
        timer.finished(c.usage());
        String model = target.shownModel(request.model());
        Responses.json(res, 200, TextCompletionWire.whole(c, WholeAnswers.newId("cmpl-"), model,
                request.echo() ? request.prompt() : null));
    }

    @Override
    void stream(ServerResponse res, LegacyCompletion request, ModelRouter.Target target) {
        GenerationTimer timer = new GenerationTimer(ctx.metrics(), target.instance());
        String id = WholeAnswers.newId("cmpl-");
        try (ChatCompletionStream stream = ctx.service().completeStream(target.instance(),
                request.request().withModel(target.modelId()))) {
            ChunkNormalizer norm = new ChunkNormalizer(id, System.currentTimeMillis() / 1000,
                    target.shownModel(request.model()));
            SseGeneration.send(res, stream, norm, request.includeUsage(), timer, new TextChunks(request, id),
                    target.instance());
        }
    }

    /** Chat chunks as text_completion chunks: the prompt first when echoing, text offsets counted per choice. */
    private static final class TextChunks implements SseGeneration.Encoder {
        private final LegacyCompletion request;
        private final String id;
        private final Set<Integer> echoed = new HashSet<>();
        private final Map<Integer, Integer> offsets = new HashMap<>();

        TextChunks(LegacyCompletion request, String id) {
            this.request = request;
            this.id = id;
        }

        @Override
        public String chunk(ChatCompletionChunk c) {
            ChunkChoice ch = c.choices().getFirst();
            int index = ch.index();
            String text = ch.delta().content() == null ? "" : ch.delta().content();
            if (request.echo() && echoed.add(index)) {
                text = request.prompt() + text;
            }
            if (text.isEmpty() && ch.finishReason() == null && ch.logprobs() == null) {
                return null; // the chat role chunk has no counterpart here
            }
            int offset = offsets.getOrDefault(index, 0);
            offsets.put(index, offset + text.length());
            return TextCompletionWire.chunk(id, c.created(), c.model(), index, text,
                    TextCompletionWire.logprobs(ch.logprobs(), offset), ch.finishReason(), request.includeUsage());
        }

        @Override
        public String usage(ChatCompletionChunk u) {
            return TextCompletionWire.usageChunk(id, u.created(), u.model(), u.usage());
        }
    }
}
