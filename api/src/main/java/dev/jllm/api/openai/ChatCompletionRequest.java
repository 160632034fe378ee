package dev.jllm.api.openai;

import jakarta.json.bind.annotation.JsonbProperty;
import jakarta.json.bind.annotation.JsonbTransient;
import jakarta.json.bind.annotation.JsonbTypeDeserializer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /v1/chat/completions} request body. Every field but {@code messages} is optional (null = absent,
 * not written). {@code stop} accepts a string or a list on the wire and is always held as a list.
 * {@code top_k}, {@code min_p} and {@code repeat_penalty} are not OpenAI's but local servers (llama.cpp, Ollama's
 * OpenAI endpoint, LM Studio) accept them. {@code grammar} (GBNF text) and {@code json_schema} (a JSON Schema the
 * answer must follow) are llama.cpp server's constrained-decoding fields.
 * {@code reasoning_effort} ("none", "minimal", "low", "medium", "high")
 * switches a local model's thinking on or off where its chat template has such a switch.
 */
public record ChatCompletionRequest(
        String model,
        List<ChatMessage> messages,
        @JsonbProperty("max_tokens") Integer maxTokens,
        @JsonbProperty("max_completion_tokens") Integer maxCompletionTokens,
        Double temperature,
        @JsonbProperty("top_p") Double topP,
        Integer n,
        @JsonbTypeDeserializer(StringOrListDeserializer.class) List<String> stop,
        Long seed,
        @JsonbProperty("presence_penalty") Double presencePenalty,
        @JsonbProperty("frequency_penalty") Double frequencyPenalty,
        @JsonbProperty("logit_bias") Map<String, Double> logitBias,
        Boolean logprobs,
        @JsonbProperty("top_logprobs") Integer topLogprobs,
        @JsonbProperty("response_format") ResponseFormat responseFormat,
        List<Tool> tools,
        @JsonbProperty("tool_choice") ToolChoice toolChoice,
        @JsonbProperty("parallel_tool_calls") Boolean parallelToolCalls,
        Boolean stream,
        @JsonbProperty("stream_options") StreamOptions streamOptions,
        String user,
        @JsonbProperty("top_k") Integer topK,
        @JsonbProperty("min_p") Double minP,
        @JsonbProperty("repeat_penalty") Double repeatPenalty,
        String grammar,
        @JsonbProperty("json_schema") Map<String, Object> jsonSchema,
        @JsonbProperty("reasoning_effort") String reasoningEffort) {

    public ChatCompletionRequest {
        messages = messages == null ? null : List.copyOf(messages);
        stop = stop == null ? null : List.copyOf(stop);
        tools = tools == null ? null : List.copyOf(tools);
        logitBias = logitBias == null ? null : Map.copyOf(logitBias);
    }

    /** The effective token limit: max_completion_tokens (newer name) wins over max_tokens; null when neither. */
    public Integer effectiveMaxTokens() {
        return maxCompletionTokens != null ? maxCompletionTokens : maxTokens;
    }

    @JsonbTransient
    public boolean isStream() {
        return Boolean.TRUE.equals(stream);
    }

    public boolean includeUsage() {
        return streamOptions != null && Boolean.TRUE.equals(streamOptions.includeUsage());
    }

    public ChatCompletionRequest withModel(String model) {
        return toBuilder().model(model).build();
    }

    /** A copy with {@code stream} set; switching streaming off also drops stream_options (OpenAI rejects them). */
    public ChatCompletionRequest withStream(boolean stream) {
        Builder b = toBuilder().stream(stream);
        if (!stream) {
            b.streamOptions(null);
        }
        return b.build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A request for a model with the given messages. */
    public static ChatCompletionRequest of(String model, List<ChatMessage> messages) {
        return builder().model(model).messages(messages).build();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.model = model;
        b.messages = messages == null ? null : new ArrayList<>(messages);
        b.maxTokens = maxTokens;
        b.maxCompletionTokens = maxCompletionTokens;
        b.temperature = temperature;
        b.topP = topP;
        b.n = n;
        b.stop = stop;
        b.seed = seed;
        b.presencePenalty = presencePenalty;
        b.frequencyPenalty = frequencyPenalty;
        b.logitBias = logitBias;
        b.logprobs = logprobs;
        b.topLogprobs = topLogprobs;
        b.responseFormat = responseFormat;
        b.tools = tools;
        b.toolChoice = toolChoice;
        b.parallelToolCalls = parallelToolCalls;
        b.stream = stream;
        b.streamOptions = streamOptions;
        b.user = user;
        b.topK = topK;
        b.minP = minP;
        b.repeatPenalty = repeatPenalty;
        b.grammar = grammar;
        b.jsonSchema = jsonSchema;
        b.reasoningEffort = reasoningEffort;
        return b;
    }

    /** Builds a request field by field; unset fields stay absent. */
    public static final class Builder {
        private String model;
        private List<ChatMessage> messages;
        private Integer maxTokens;
        private Integer maxCompletionTokens;
        private Double temperature;
        private Double topP;
        private Integer n;
        private List<String> stop;
        private Long seed;
        private Double presencePenalty;
        private Double frequencyPenalty;
        private Map<String, Double> logitBias;
        private Boolean logprobs;
        private Integer topLogprobs;
        private ResponseFormat responseFormat;
        private List<Tool> tools;
        private ToolChoice toolChoice;
        private Boolean parallelToolCalls;
        private Boolean stream;
        private StreamOptions streamOptions;
        private String user;
        private Integer topK;
        private Double minP;
        private Double repeatPenalty;
        private String grammar;
        private Map<String, Object> jsonSchema;
        private String reasoningEffort;

        private Builder() { }

        public Builder model(String v) { model = v; return this; }
        public Builder messages(List<ChatMessage> v) { messages = v == null ? null : new ArrayList<>(v); return this; }
        public Builder messages(ChatMessage... v) { return messages(List.of(v)); }

        /** Appends one message. */
        public Builder message(ChatMessage v) {
            if (messages == null) {
                messages = new ArrayList<>();
            }
            messages.add(v);
            return this;
        }

        public Builder maxTokens(Integer v) { maxTokens = v; return this; }
        public Builder maxCompletionTokens(Integer v) { maxCompletionTokens = v; return this; }
        public Builder temperature(Double v) { temperature = v; return this; }
        public Builder topP(Double v) { topP = v; return this; }
        public Builder n(Integer v) { n = v; return this; }
        public Builder stop(List<String> v) { stop = v; return this; }
        public Builder stop(String... v) { stop = List.of(v); return this; }
        public Builder seed(Long v) { seed = v; return this; }
        public Builder presencePenalty(Double v) { presencePenalty = v; return this; }
        public Builder frequencyPenalty(Double v) { frequencyPenalty = v; return this; }
        public Builder logitBias(Map<String, Double> v) { logitBias = v; return this; }
        public Builder logprobs(Boolean v) { logprobs = v; return this; }
        public Builder topLogprobs(Integer v) { topLogprobs = v; return this; }
        public Builder responseFormat(ResponseFormat v) { responseFormat = v; return this; }
        public Builder tools(List<Tool> v) { tools = v; return this; }
        public Builder toolChoice(ToolChoice v) { toolChoice = v; return this; }
        public Builder parallelToolCalls(Boolean v) { parallelToolCalls = v; return this; }
        public Builder stream(Boolean v) { stream = v; return this; }
        public Builder streamOptions(StreamOptions v) { streamOptions = v; return this; }
        public Builder user(String v) { user = v; return this; }
        public Builder topK(Integer v) { topK = v; return this; }
        public Builder minP(Double v) { minP = v; return this; }
        public Builder repeatPenalty(Double v) { repeatPenalty = v; return this; }
        public Builder grammar(String v) { grammar = v; return this; }
        public Builder jsonSchema(Map<String, Object> v) { jsonSchema = v; return this; }
        public Builder reasoningEffort(String v) { reasoningEffort = v; return this; }

        public ChatCompletionRequest build() {
            return new ChatCompletionRequest(model, messages, maxTokens, maxCompletionTokens, temperature, topP, n,
                    stop, seed, presencePenalty, frequencyPenalty, logitBias, logprobs, topLogprobs, responseFormat,
                    tools, toolChoice, parallelToolCalls, stream, streamOptions, user, topK, minP, repeatPenalty,
                    grammar, jsonSchema, reasoningEffort);
        }
    }
}
