package dev.jllm.api;

import dev.jllm.api.openai.ChatCompletion;

/**
 * What every in-process engine instance (jllm's own, jlama) keeps the same way: its name and config, the
 * {@code created} stamp its models are listed with, and whether it was closed (after which calls are refused).
 *
 * @param <C> the engine's config type
 */
public abstract class EngineLlm<C extends LlmConfig> implements Llm {

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
}
