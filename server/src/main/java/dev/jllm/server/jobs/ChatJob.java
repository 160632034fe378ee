package dev.jllm.server.jobs;

import dev.jllm.api.ChatCompletionAccumulator;
import dev.jllm.api.ChatCompletionStream;
import dev.jllm.api.CurrentModel;
import dev.jllm.api.LlmService;
import dev.jllm.api.json.Json;
import dev.jllm.api.openai.ChatCompletion;
import dev.jllm.api.openai.ChatCompletionChunk;
import dev.jllm.api.openai.ChatCompletionRequest;
import dev.jllm.api.openai.CompletionRequest;
import dev.jllm.server.admission.GenerationSlots;
import dev.jllm.server.metrics.GenerationTimer;
import dev.jllm.server.metrics.Metrics;
import dev.jllm.server.openai.ApiException;
import dev.jllm.server.openai.ChatRequestValidator;
import dev.jllm.server.openai.CompletionRequestValidator;
import dev.jllm.server.openai.JsonFields;
import dev.jllm.server.openai.OpenAiWire;

import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The generation jobs, streamed exactly as {@code LlmService} gives them: {@code chat.completion}
 * ({@code chatCompletionStream}) and {@code completion} (a raw completion, {@code completeStream}; its request is
 * a {@code /v1/completions} body). Each chunk the instance produced becomes a {@code chunk} event, and the result
 * is the whole completion the chunks add up to. The generation takes a slot of its instance like any request,
 * waiting for one if need be.
 */
final class ChatJob {

    private ChatJob() { }

    static void register(Map<String, JobType> into, LlmService service, GenerationSlots slots, Metrics metrics) {
        into.put("chat.completion", p -> {
            String instance = JobParams.instance(p);
            ChatCompletionRequest request = ChatRequestValidator.parse(requestOf(p));
            return generation(service, slots, metrics, instance, name -> instance == null
                    ? service.chatCompletionStream(request) : service.chatCompletionStream(instance, request));
        });
        into.put("completion", p -> {
            String instance = JobParams.instance(p);
            CompletionRequest request = CompletionRequestValidator.parse(requestOf(p)).request();
            return generation(service, slots, metrics, instance, name -> service.completeStream(name,
                    instance != null || request.model() != null ? request
                            : request.withModel(service.currentModel().map(CurrentModel::modelId).orElse(null))));
        });
    }

    private static JsonFields requestOf(JsonFields p) {
        p.allowOnly(Set.of("instance", "request"));
        JsonFields r = p.nested("request");
        if (r == null) {
            throw ApiException.invalid("'" + p.param("request") + "' is required", p.param("request"));
        }
        return r;
    }

    /** Runs {@code start}'s stream on the resolved instance, in a slot, as chunk events and a whole result. */
    private static JobHandler generation(LlmService service, GenerationSlots slots, Metrics metrics,
                                    String instance, Function<String, ChatCompletionStream> start) {
        return ctx -> {
            String name = JobParams.resolve(service, instance);
            service.get(name); // an unknown instance fails here, before it gets a slot pool of its own
            try (GenerationSlots.Slot _ = slots.acquireWaiting(name);
                 ChatCompletionStream stream = start.apply(name)) {
                ctx.onCancel(stream::close);
                GenerationTimer timer = new GenerationTimer(metrics, name);
                ChatCompletionAccumulator acc = new ChatCompletionAccumulator();
                for (ChatCompletionChunk c : stream) {
                    if (!c.text().isEmpty()) {
                        timer.content();
                    }
                    acc.add(c);
                    ctx.chunk(Json.toJson(c));
                }
                ChatCompletion whole = acc.result();
                if (!ctx.isCancelled()) {
                    timer.finished(whole.usage());
                }
                return OpenAiWire.toValue(whole);
            }
        };
    }
}
