package dev.jllm.api;

import dev.jllm.api.openai.ChatCompletion;
import dev.jllm.api.openai.ChatCompletionRequest;
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

    /** A whole completion; a {@code stream: true} in the request is ignored. */
    ChatCompletion chatCompletion(ChatCompletionRequest request);

    /**
     * A streamed completion. The caller must close the stream; closing it before the end cancels the generation.
     */
    ChatCompletionStream chatCompletionStream(ChatCompletionRequest request);

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
