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
import java.util.function.Supplier;

/**
 * The generation jobs, streamed exactly as {@code LlmService} gives them: {@code chat.completion}
 * ({@code chatCompletionStream}) and {@code completion} (a raw completion, {@code completeStream}; its request is
 * a {@code /v1/completions} body). Each chunk the instance produced becomes a {@code chunk} event, and the result
 * is the whole completion the chunks add up to. The generation takes a slot of its instance like any request,
 * waiting for one if need be.
 */
final class ChatJob {

    private ChatJob() { }

    static void register(Map<String, JobType> into, LlmService service, GenerationSlots slots, Metrics metrics,
                         ModelGate gate) {
        into.put("chat.completion", p -> {
            String instance = JobParams.instance(p);
            ChatCompletionRequest asked = ChatRequestValidator.parse(requestOf(p));
            return generation(service, slots, metrics, instance, name -> {
                String model = gate.admitFor(service, name, asked.model(), false);
                ChatCompletionRequest request = model == null || model.equals(asked.model()) ? asked
                        : asked.withModel(model);
                return () -> instance == null ? service.chatCompletionStream(request)
                        : service.chatCompletionStream(instance, request);
            });
        });
        into.put("completion", p -> {
            String instance = JobParams.instance(p);
            CompletionRequest asked = CompletionRequestValidator.parse(requestOf(p)).request();
            return generation(service, slots, metrics, instance, name -> {
                CompletionRequest named = instance != null || asked.model() != null ? asked
                        : asked.withModel(service.currentModel().map(CurrentModel::modelId).orElse(null));
                String model = gate.admitFor(service, name, named.model(), false);
                CompletionRequest request = model == null || model.equals(named.model()) ? named
                        : named.withModel(model);
                return () -> service.completeStream(name, request);
            });
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

    /**
     * Runs a generation on the resolved instance, in a slot, as chunk events and a whole result: {@code admit}
     * checks the request's model against what the instance may be asked for (the {@link ModelGate}) before a
     * slot is taken, and gives what starts the stream in the slot.
     */
    private static JobHandler generation(LlmService service, GenerationSlots slots, Metrics metrics,
                                    String instance, Function<String, Supplier<ChatCompletionStream>> admit) {
        return ctx -> {
            String name = JobParams.resolve(service, instance);
            service.get(name); // an unknown instance fails here, before it gets a slot pool of its own
            Supplier<ChatCompletionStream> start = admit.apply(name);
            try (GenerationSlots.Slot _ = slots.acquireWaiting(name);
                 ChatCompletionStream stream = start.get()) {
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
