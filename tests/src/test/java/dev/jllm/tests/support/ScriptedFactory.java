package dev.jllm.tests.support;

import dev.jllm.api.Llm;
import dev.jllm.api.LlmConfig;
import dev.jllm.api.LocalConfig;
import dev.jllm.api.LlmProviderFactory;

/**
 * A test double for the {@code local} instance type: the server hands it {@code local} configs (a model, its
 * options) and it makes a {@link ScriptedInstance} of them instead of loading anything.
 */
abstract class ScriptedFactory implements LlmProviderFactory {

    @Override
    public final String type() {
        return LlmConfig.LOCAL;
    }

    @Override
    public final Llm create(String name, LlmConfig config) {
        return create(name, (LocalConfig) config);
    }

    abstract ScriptedInstance create(String name, LocalConfig config);
}
