package dev.jllm.api;

import java.util.Map;

/**
 * Makes instances of one type. Implementations are found with {@link java.util.ServiceLoader} (list them in
 * {@code META-INF/services/dev.jllm.api.LlmProviderFactory}) and need a public no-argument constructor. This is
 * how the engine module adds "local" without the modules that manage instances depending on it.
 */
public interface LlmProviderFactory {

    /** The instance type this factory makes, e.g. "openai"; matches {@link LlmConfig#type()}. */
    String type();

    /**
     * Reads a config of this type from string options: what {@link LlmConfig#fromMap} returns for a type the api
     * module does not know. A type with its own record overrides this to check the options and return that record
     * (whose {@code toMap()} must read back equal); the default keeps them as they are.
     *
     * @throws dev.jllm.api.LlmException INVALID_REQUEST naming an unknown key or a bad value
     */
    default LlmConfig config(Map<String, String> options) {
        return new ProviderConfig(type(), options);
    }

    /**
     * Creates an instance. The config's type equals {@link #type()}.
     *
     * @throws dev.jllm.api.LlmException INVALID_REQUEST for a config it cannot use, UNAVAILABLE if it cannot start
     */
    Llm create(String name, LlmConfig config);
}
