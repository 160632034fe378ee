package dev.jllm.api;

import dev.jllm.api.openai.ChatCompletion;
import dev.jllm.api.openai.ChatCompletionRequest;
import dev.jllm.api.openai.CompletionRequest;
import dev.jllm.api.openai.EmbeddingRequest;
import dev.jllm.api.openai.EmbeddingResponse;
import dev.jllm.api.openai.Model;

import java.util.List;

/**
 * One named instance: a remote OpenAI-compatible server or the local engine. Implementations are thread-safe.
 * Every method reports failures as {@link LlmException}.
 */
public interface Llm extends AutoCloseable {

    /** The instance name in its {@link LlmService}. */
    String name();

    /** "openai", "ollama", "lmstudio" or "local". */
    default String type() {
        return config().type();
    }

    LlmConfig config();

    /** The models this instance can serve (for remote ones: what their {@code /models} lists). */
    List<Model> models();

    /**
     * Whether a request may name this model here (what {@code setCurrentModel} checks): by default, whether
     * {@link #models()} lists it; instances that load models on demand also accept those they can load.
     *
     * @throws LlmException when the instance cannot tell now (an upstream that does not answer)
     */
    default boolean hasModel(String modelId) {
        return models().stream().anyMatch(m -> m.id().equals(modelId));
    }

    /** A whole completion; a {@code stream: true} in the request is ignored. */
    ChatCompletion chatCompletion(ChatCompletionRequest request);

    /**
     * A streamed completion. The caller must close the stream; closing it before the end cancels the generation.
     */
    ChatCompletionStream chatCompletionStream(ChatCompletionRequest request);

    /**
     * A raw completion: the prompt continued as it is, without a chat template (OpenAI's {@code /v1/completions},
     * Ollama's raw generate, {@code jllm generate}). The answer's message content is the continuation.
     *
     * @throws LlmException NOT_SUPPORTED where the instance cannot continue a raw prompt (it never wraps the
     *                      prompt in a chat turn instead: that would be another request than the one asked)
     */
    default ChatCompletion complete(CompletionRequest request) {
        throw rawPromptsNotSupported();
    }

    /** Like {@link #complete}, streamed; close the stream to cancel. */
    default ChatCompletionStream completeStream(CompletionRequest request) {
        throw rawPromptsNotSupported();
    }

    /** The refusal of an instance that has no raw completions. */
    default LlmException rawPromptsNotSupported() {
        return LlmException.notSupported("instance '" + name() + "' (type " + type() + ") cannot continue a raw"
                + " prompt; use a chat completion");
    }

    /**
     * Embeds the request's inputs (all of them, in order), each a normalized vector.
     *
     * @throws LlmException NOT_SUPPORTED where the instance has no embeddings (the default)
     */
    default EmbeddingResponse embeddings(EmbeddingRequest request) {
        throw LlmException.notSupported("embeddings are not supported by " + type() + " instances");
    }

    /**
     * Makes a model available: pulls it if needed and loads it where the instance supports that. Blocks until
     * done, reporting steps to {@code progress}.
     *
     * @throws LlmException NOT_SUPPORTED where the instance cannot do this (e.g. openai)
     */
    void serve(String model, ProgressListener progress);

    /** Frees the memory a loaded model holds; the model stays available. NOT_SUPPORTED where not possible. */
    void unload(String model);

    /** Deletes a model from the instance's storage. NOT_SUPPORTED where not possible. */
    void deleteModel(String model);

    /** Whether the instance can answer requests now (for remote ones: whether the server answers). */
    boolean isReady();

    LlmInfo info();

    /** Stops the instance and frees what it holds; streams still open are cancelled. */
    @Override
    void close();
}
