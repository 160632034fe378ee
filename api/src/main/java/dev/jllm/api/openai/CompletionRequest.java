package dev.jllm.api.openai;

import jakarta.json.bind.annotation.JsonbProperty;
import jakarta.json.bind.annotation.JsonbTransient;
import jakarta.json.bind.annotation.JsonbTypeDeserializer;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A raw completion ({@code Llm.complete}): a prompt continued as it is, no chat template, as OpenAI's legacy
 * {@code /v1/completions} body has it (the members jllm honours; {@code echo}, {@code suffix} and {@code best_of}
 * are the server's business). The answer is a {@link ChatCompletion} (or its chunks) whose message content is
 * the continuation.
 *
 * @param logprobs how many alternatives to report per generated token (0..5), null for no log probabilities
 */
public record CompletionRequest(
        String model,
        String prompt,
        @JsonbProperty("max_tokens") Integer maxTokens,
        Double temperature,
        @JsonbProperty("top_p") Double topP,
        Integer n,
        @JsonbTypeDeserializer(StringOrListDeserializer.class) List<String> stop,
        Long seed,
        @JsonbProperty("presence_penalty") Double presencePenalty,
        @JsonbProperty("frequency_penalty") Double frequencyPenalty,
        @JsonbProperty("logit_bias") Map<String, Double> logitBias,
        Integer logprobs,
        Boolean stream,
        @JsonbProperty("stream_options") StreamOptions streamOptions,
        String user,
        @JsonbProperty("top_k") Integer topK,
        @JsonbProperty("min_p") Double minP,
        @JsonbProperty("repeat_penalty") Double repeatPenalty,
        String grammar,
        @JsonbProperty("json_schema") Map<String, Object> jsonSchema) {

    public CompletionRequest {
        stop = stop == null ? null : List.copyOf(stop);
        logitBias = logitBias == null ? null : Map.copyOf(logitBias);
    }

    /** A prompt with the given sampling, stop, length and format fields (a chat request's, its messages aside). */
    public static CompletionRequest of(String prompt, ChatCompletionRequest s) {
        Objects.requireNonNull(s, "sampling");
        Integer logprobs = Boolean.TRUE.equals(s.logprobs()) ? (s.topLogprobs() == null ? 0 : s.topLogprobs()) : null;
        return new CompletionRequest(s.model(), prompt, s.effectiveMaxTokens(), s.temperature(), s.topP(), s.n(),
                s.stop(), s.seed(), s.presencePenalty(), s.frequencyPenalty(), s.logitBias(), logprobs, s.stream(),
                s.streamOptions(), s.user(), s.topK(), s.minP(), s.repeatPenalty(), s.grammar(), s.jsonSchema());
    }

    /** Just a prompt, for a model; everything else the model's defaults. */
    public static CompletionRequest of(String model, String prompt) {
        return of(prompt, ChatCompletionRequest.builder().model(model).build());
    }

    /**
     * The sampling, stop, length, log-probability and format fields as a chat request without messages: the
     * engines read these fields for both operations with one reader, so the rules cannot differ between them.
     */
    public ChatCompletionRequest sampling() {
        return ChatCompletionRequest.builder().model(model).maxTokens(maxTokens).temperature(temperature).topP(topP)
                .n(n).stop(stop).seed(seed).presencePenalty(presencePenalty).frequencyPenalty(frequencyPenalty)
                .logitBias(logitBias).logprobs(logprobs == null ? null : true)
                .topLogprobs(logprobs == null || logprobs == 0 ? null : logprobs)
                .stream(stream).streamOptions(streamOptions).user(user).topK(topK).minP(minP)
                .repeatPenalty(repeatPenalty).grammar(grammar).jsonSchema(jsonSchema).build();
    }

    @JsonbTransient
    public boolean isStream() {
        return Boolean.TRUE.equals(stream);
    }

    public boolean includeUsage() {
        return streamOptions != null && Boolean.TRUE.equals(streamOptions.includeUsage());
    }

    public CompletionRequest withModel(String newModel) {
        return new CompletionRequest(newModel, prompt, maxTokens, temperature, topP, n, stop, seed, presencePenalty,
                frequencyPenalty, logitBias, logprobs, stream, streamOptions, user, topK, minP, repeatPenalty, grammar,
                jsonSchema);
    }

    public CompletionRequest withStream(boolean s, StreamOptions options) {
        return new CompletionRequest(model, prompt, maxTokens, temperature, topP, n, stop, seed, presencePenalty,
                frequencyPenalty, logitBias, logprobs, s, options, user, topK, minP, repeatPenalty, grammar,
                jsonSchema);
    }
}
