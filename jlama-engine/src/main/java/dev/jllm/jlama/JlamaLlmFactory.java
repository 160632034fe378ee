package dev.jllm.jlama;

import dev.jllm.api.Llm;
import dev.jllm.api.LlmConfig;
import dev.jllm.api.LlmProviderFactory;

import java.util.Map;

/** Registers the {@code jlama} instance type (META-INF/services). */
public final class JlamaLlmFactory implements LlmProviderFactory {

    @Override
    public String type() {
        return JlamaConfig.TYPE;
    }

    @Override
    public LlmConfig config(Map<String, String> options) {
        return JlamaConfig.fromMap(options);
    }

    @Override
    public Llm create(String name, LlmConfig config) {
        return new JlamaLlm(name, JlamaConfig.from(config));
    }
}
