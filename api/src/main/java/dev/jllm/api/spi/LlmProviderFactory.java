package dev.jllm.api.spi;

import dev.jllm.api.Llm;
import dev.jllm.api.LlmConfig;

/**
 * Makes instances of one type. Implementations are found with {@link java.util.ServiceLoader} (list them in
 * {@code META-INF/services/dev.jllm.api.spi.LlmProviderFactory}) and need a public no-argument constructor. This is
 * how the engine module adds "local" without the modules that manage instances depending on it.
 */
public interface LlmProviderFactory {

    /** The instance type this factory makes, e.g. "openai"; matches {@link LlmConfig#type()}. */
    String type();

    /**
     * Creates an instance. The config's type equals {@link #type()}.
     *
     * @throws dev.jllm.api.LlmException INVALID_REQUEST for a config it cannot use, UNAVAILABLE if it cannot start
     */
    Llm create(String name, LlmConfig config);
}
