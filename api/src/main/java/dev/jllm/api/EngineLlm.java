package dev.jllm.api;

import dev.jllm.api.openai.ChatCompletion;
import dev.jllm.api.openai.ChatCompletionRequest;
import dev.jllm.api.openai.CompletionRequest;

/**
 * What every in-process engine instance (jllm's own, jlama) keeps the same way: its name and config, the
 * {@code created} stamp its models are listed with, whether it was closed (after which calls are refused), and
 * the four generation calls, which all check and tokenize a request first and then answer whole or streamed.
 *
 * @param <C> the engine's config type
 * @param <P> the engine's prepared generation (checked, tokenized, its model held)
 */
public abstract class EngineLlm<C extends LlmConfig, P> implements Llm {

    protected final String name;
    protected final C config;
    /** When the instance came up, in epoch seconds: the {@code created} of the models it lists. */
    protected final long created = ChatCompletion.createdNow();
    /** Set by {@link #close()}; read by generations that must stop when the instance goes. */
    protected volatile boolean closed;

    protected EngineLlm(String name, C config) {
        this.name = name;
        this.config = config;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final C config() {
        return config;
    }

    /** @throws LlmException UNAVAILABLE once the instance was closed */
    protected final void ensureOpen() {
        if (closed) {
            throw LlmException.instanceClosed(name);
        }
    }

    /**
     * Checks and tokenizes a request. A raw completion's sampling fields come as a chat request without messages.
     *
     * @param rawPrompt the raw completion's prompt, encoded as it is; null for a chat request (its template
     *                  renders the prompt)
     */
    protected abstract P prepare(ChatCompletionRequest request, String rawPrompt);

    protected abstract ChatCompletion whole(P prepared);

    protected abstract ChatCompletionStream stream(P prepared, boolean usage);

    @Override
    public final ChatCompletion chatCompletion(ChatCompletionRequest request) {
        return whole(prepare(request, null));
    }

    @Override
    public final ChatCompletionStream chatCompletionStream(ChatCompletionRequest request) {
        return stream(prepare(request, null), request.includeUsage());
    }

    /** A raw completion: the prompt encoded as it is, no chat template. */
    @Override
    public final ChatCompletion complete(CompletionRequest request) {
        String raw = rawPrompt(request);
        return whole(prepare(request.sampling(), raw));
    }

    @Override
    public final ChatCompletionStream completeStream(CompletionRequest request) {
        String raw = rawPrompt(request);
        return stream(prepare(request.sampling(), raw), request.includeUsage());
    }

    private static String rawPrompt(CompletionRequest request) {
        if (request == null) {
            throw LlmException.invalid("the request is empty");
        }
        if (request.prompt() == null) {
            throw LlmException.invalidParam("prompt", "a prompt is required");
        }
        return request.prompt();
    }
}
