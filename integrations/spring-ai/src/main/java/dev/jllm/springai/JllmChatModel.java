package dev.jllm.springai;

import dev.jllm.api.ChatCompletionAccumulator;
import dev.jllm.api.ChatCompletionStream;
import dev.jllm.api.LlmException;
import dev.jllm.api.ModelHandle;
import dev.jllm.api.openai.ChatCompletionChunk;
import dev.jllm.api.openai.ChatCompletionRequest;
import dev.jllm.api.openai.ChunkChoice;
import dev.jllm.api.openai.FunctionDefinition;
import dev.jllm.api.openai.StreamOptions;
import dev.jllm.api.openai.Tool;
import dev.jllm.api.json.Json;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.metadata.ChatGenerationMetadata;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.model.tool.ToolCallingChatOptions;
import org.springframework.ai.tool.ToolCallback;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A Spring AI {@link org.springframework.ai.chat.model.ChatModel} (and so a {@code StreamingChatModel}) answered
 * by jllm in this JVM. The prompt's options override the defaults given at construction; tool callbacks in the
 * options are offered to the model as tools and its tool calls come back on the {@link AssistantMessage} (Spring
 * AI's tool-calling advisors run them). Cancelling the {@link Flux} cancels the generation in the engine.
 */
public final class JllmChatModel implements org.springframework.ai.chat.model.ChatModel {

    private final ModelHandle handle;
    private final ChatOptions defaults;

    public JllmChatModel(ModelHandle handle, ChatOptions defaults) {
        this.handle = handle;
        this.defaults = defaults == null ? ChatOptions.builder().build() : defaults;
    }

    public ModelHandle handle() {
        return handle;
    }

    @Override
    public ChatOptions getDefaultOptions() {
        return defaults;
    }

    @Override
    public ChatResponse call(Prompt prompt) {
        return SpringMessages.toResponse(handle.service().chatCompletion(handle.instance(), request(prompt, false)));
    }

    @Override
    public Flux<ChatResponse> stream(Prompt prompt) {
        ChatCompletionRequest request = request(prompt, true);
        return Flux.<ChatResponse>create(sink -> {
            ChatCompletionStream stream;
            try {
                stream = handle.service().chatCompletionStream(handle.instance(), request);
            } catch (RuntimeException e) {
                sink.error(e);
                return;
            }
            sink.onDispose(stream::close);
            ChatCompletionAccumulator all = new ChatCompletionAccumulator();
            try (stream) {
                for (ChatCompletionChunk chunk : stream) {
                    if (sink.isCancelled()) {
                        return;
                    }
                    all.add(chunk);
                    for (ChunkChoice c : chunk.choices()) {
                        if (c.delta() != null && c.delta().content() != null && !c.delta().content().isEmpty()) {
                            sink.next(new ChatResponse(List.of(new Generation(
                                    AssistantMessage.builder().content(c.delta().content()).build()))));
                        }
                    }
                }
                // The last response carries what only the end knows: tool calls, finish reason, usage.
                ChatResponse whole = SpringMessages.toResponse(all.result());
                List<Generation> last = new ArrayList<>();
                for (Generation g : whole.getResults()) {
                    last.add(new Generation(AssistantMessage.builder().content("")
                            .toolCalls(g.getOutput().getToolCalls()).build(), g.getMetadata()));
                }
                sink.next(new ChatResponse(last, whole.getMetadata()));
                sink.complete();
            } catch (LlmException e) {
                if (!sink.isCancelled()) {
                    sink.error(e);
                }
            } catch (RuntimeException e) {
                sink.error(e);
            }
        }).subscribeOn(Schedulers.boundedElastic());
    }

    ChatCompletionRequest request(Prompt prompt, boolean stream) {
        ChatOptions o = prompt.getOptions() != null ? prompt.getOptions() : defaults;
        String model = first(o.getModel(), defaults.getModel(), handle.model());
        if (!model.equals(handle.model())) {
            throw LlmException.invalid("this model serves '" + handle.model() + "'; the prompt names '" + model
                    + "'");
        }
        ChatCompletionRequest.Builder b = ChatCompletionRequest.builder()
                .model(handle.model())
                .messages(SpringMessages.toJllm(prompt.getInstructions()))
                .temperature(first(o.getTemperature(), defaults.getTemperature()))
                .topP(first(o.getTopP(), defaults.getTopP()))
                .topK(first(o.getTopK(), defaults.getTopK()))
                .frequencyPenalty(first(o.getFrequencyPenalty(), defaults.getFrequencyPenalty()))
                .presencePenalty(first(o.getPresencePenalty(), defaults.getPresencePenalty()))
                .maxCompletionTokens(first(o.getMaxTokens(), defaults.getMaxTokens()));
        List<String> stop = first(o.getStopSequences(), defaults.getStopSequences());
        if (stop != null && !stop.isEmpty()) {
            b.stop(stop);
        }
        if (o instanceof ToolCallingChatOptions t && t.getToolCallbacks() != null && !t.getToolCallbacks().isEmpty()) {
            List<Tool> tools = new ArrayList<>();
            for (ToolCallback cb : t.getToolCallbacks()) {
                var def = cb.getToolDefinition();
                tools.add(Tool.function(new FunctionDefinition(def.name(), def.description(), schema(def.inputSchema()),
                        null)));
            }
            b.tools(tools);
        }
        if (stream) {
            b.stream(true).streamOptions(StreamOptions.INCLUDE_USAGE);
        }
        return b.build();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> schema(String json) {
        return Json.fromJson(json, Map.class);
    }

    @SafeVarargs
    private static <T> T first(T... values) {
        for (T v : values) {
            if (v != null) {
                return v;
            }
        }
        return null;
    }
}
