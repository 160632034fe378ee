package dev.jllm.runtime.engine;

import dev.jllm.api.Llm;
import dev.jllm.api.LlmConfig;
import dev.jllm.api.LlmException;
import dev.jllm.api.LlmProviderFactory;
import dev.jllm.api.LocalConfig;

/** Registers the {@code local} instance type (the jllm engine) with the provider SPI. */
public final class LocalLlmFactory implements LlmProviderFactory {

    @Override
    public String type() {
        return LlmConfig.LOCAL;
    }

    @Override
    public Llm create(String name, LlmConfig config) {
        if (!(config instanceof LocalConfig local)) {
            throw LlmException.invalid("a local instance needs a LocalConfig, got " + config.type());
        }
        return new LocalLlm(name, local);
    }
}
