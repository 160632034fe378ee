package dev.jllm.api;

/**
 * The config of an instance type that a module adds through the provider SPI and that this module does not know
 * (the {@code jlama} engine, for one). Its {@link #toMap()} holds all of it as strings, so it travels to a server
 * (proxy mode, the jobs API) and is read back there by {@link LlmConfig#fromMap}, which asks the factory registered
 * for the type ({@link dev.jllm.api.LlmProviderFactory#config}).
 *
 * <p>A module gives its type a typed record implementing this; {@link ProviderConfig} holds any type's options
 * where that record is not on the class path (a proxy client creating an instance on a server).
 */
public non-sealed interface EngineConfig extends LlmConfig {
}
