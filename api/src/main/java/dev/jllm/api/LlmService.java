package dev.jllm.api;

import dev.jllm.api.openai.ChatCompletion;
import dev.jllm.api.openai.ChatCompletionRequest;
import dev.jllm.api.openai.CompletionRequest;
import dev.jllm.api.openai.EmbeddingRequest;
import dev.jllm.api.openai.EmbeddingResponse;
import dev.jllm.api.openai.Model;

import java.util.List;
import java.util.Optional;

/**
 * The one entry point of jllm: a registry of named instances plus a current model. Implemented in-process by
 * {@code LlmServiceMain} (providers) and remotely by {@code LlmServiceProxy} (proxy-client). Thread-safe.
 *
 * <p>The methods without an instance name act on the current model's instance; they fail with INVALID_REQUEST
 * when no current model is set. Methods naming an instance that does not exist fail with NOT_FOUND.
 */
public interface LlmService extends AutoCloseable {

    // ---- instances ----

    /**
     * Creates and registers an instance. Names are 1-64 characters of letters, digits, '.', '_' and '-', starting
     * with a letter or digit.
     *
     * @throws LlmException CONFLICT if the name is taken, INVALID_REQUEST for a bad name or an unknown type
     */
    Llm create(String name, LlmConfig config);

    /** @throws LlmException NOT_FOUND naming the instance */
    Llm get(String name);

    /**
     * The named instance, or empty when there is none: the {@code get(name) || create(name, ...)} idiom reads
     * {@code find(name).orElseGet(() -> create(name, config))}.
     */
    default Optional<Llm> find(String name) {
        try {
            return Optional.of(get(name));
        } catch (LlmException e) {
            if (e.kind() == LlmException.Kind.NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
    }

    boolean has(String name);

    /** Closes and removes an instance; clears the current model if it pointed at it. False if there was none. */
    boolean remove(String name);

    /** The instance names, sorted. */
    List<String> list();

    /** Closes and removes every instance and clears the current model. */
    void clear();

    // ---- current model ----

    Optional<CurrentModel> currentModel();

    /**
     * Sets (and persists) the current model. {@code provider} may be null to take the instance's type; if given it
     * must match it.
     *
     * @throws LlmException NOT_FOUND if no instance has that name, INVALID_REQUEST if the provider does not match
     */
    CurrentModel setCurrentModel(String modelId, String provider, String serviceName);

    void clearCurrentModel();

    /** Registers a listener told of every change; close the handle to unsubscribe. */
    Subscription onCurrentModelChange(CurrentModelListener listener);

    // ---- status ----

    /** Whether a current model is set and its instance is ready. */
    boolean isReady();

    boolean isReady(String name);

    ServiceInfo info();

    LlmInfo info(String name);

    /** The models of the current model's instance. */
    List<Model> models();

    List<Model> models(String name);

    // ---- chat ----

    /**
     * A whole completion from the current model's instance; a request without a model gets the current model.
     */
    ChatCompletion chatCompletion(ChatCompletionRequest request);

    /**
     * A whole completion from the named instance; a request without a model gets the current model when it
     * belongs to that instance, else it fails with INVALID_REQUEST.
     */
    ChatCompletion chatCompletion(String name, ChatCompletionRequest request);

    /** A raw completion on the named instance ({@link Llm#complete}). */
    default ChatCompletion complete(String name, CompletionRequest request) {
        return get(name).complete(request);
    }

    /** Like {@link #complete(String, CompletionRequest)}, streamed; close the stream to cancel. */
    default ChatCompletionStream completeStream(String name, CompletionRequest request) {
        return get(name).completeStream(request);
    }

    /** Like {@link #chatCompletion(ChatCompletionRequest)}, streamed; close the stream to cancel. */
    ChatCompletionStream chatCompletionStream(ChatCompletionRequest request);

    ChatCompletionStream chatCompletionStream(String name, ChatCompletionRequest request);

    // ---- embeddings ----

    /** Embeds the request's inputs on the named instance ({@link Llm#embeddings}). */
    default EmbeddingResponse embeddings(String name, EmbeddingRequest request) {
        return get(name).embeddings(request);
    }

    // ---- model lifecycle ----

    /**
     * Pulls/loads a model on the current model's instance.
     *
     * @return the served model, ready for requests
     * @throws LlmException with {@link LlmException.Origin#MODEL_LOAD} and a {@link LlmException.LoadFailure}
     *                      when the model could not be loaded
     */
    ModelInfo serve(String model, ProgressListener progress);

    /** Like {@link #serve(String, ProgressListener)} on the named instance. */
    ModelInfo serve(String name, String model, ProgressListener progress);

    void unload(String model);

    void unload(String name, String model);

    void deleteModel(String model);

    void deleteModel(String name, String model);

    /** Closes every instance (without forgetting the current model). */
    @Override
    void close();
}
