package dev.jllm.server.jobs;

import dev.jllm.api.ChatCompletionAccumulator;
import dev.jllm.api.ChatCompletionStream;
import dev.jllm.api.LlmService;
import dev.jllm.api.json.Json;
import dev.jllm.api.openai.ChatCompletion;
import dev.jllm.api.openai.ChatCompletionChunk;
import dev.jllm.api.openai.ChatCompletionRequest;
import dev.jllm.server.admission.GenerationSlots;
import dev.jllm.server.metrics.GenerationTimer;
import dev.jllm.server.metrics.Metrics;
import dev.jllm.server.openai.ApiException;
import dev.jllm.server.openai.ChatRequestValidator;
import dev.jllm.server.openai.JsonFields;
import dev.jllm.server.openai.OpenAiWire;

import java.util.Map;
import java.util.Set;

/**
 * {@code chat.completion}: a streamed chat completion, exactly as {@code LlmService.chatCompletionStream} gives
 * it: each chunk the instance produced becomes a {@code chunk} event, and the result is the whole completion the
 * chunks add up to. The generation takes a slot of its instance like any request, waiting for one if need be.
 */
final class ChatJob {

    private ChatJob() { }

    static void register(Map<String, JobType> into, LlmService service, GenerationSlots slots, Metrics metrics) {
        into.put("chat.completion", p -> {
            p.allowOnly(Set.of("instance", "request"));
            String instance = JobParams.instance(p);
            JsonFields r = p.nested("request");
            if (r == null) {
                throw ApiException.invalid("'" + p.param("request") + "' is required", p.param("request"));
            }
            ChatCompletionRequest request = ChatRequestValidator.parse(r);
            return ctx -> {
                String name = JobParams.resolve(service, instance);
                service.get(name); // an unknown instance fails here, before it gets a slot pool of its own
                try (GenerationSlots.Slot _ = slots.acquireWaiting(name);
                     ChatCompletionStream stream = instance == null ? service.chatCompletionStream(request)
                             : service.chatCompletionStream(instance, request)) {
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
        });
    }
}
