/**
 * How instance types are plugged in: a {@link dev.jllm.api.spi.LlmProviderFactory} per type, listed in
 * {@code META-INF/services/dev.jllm.api.spi.LlmProviderFactory}, looked up through
 * {@link dev.jllm.api.spi.Providers}. The providers module registers openai, ollama and lmstudio; the runtime
 * registers local; other modules register their own types (the jlama module: jlama), whose configs
 * {@link dev.jllm.api.spi.LlmProviderFactory#config} reads.
 */
package dev.jllm.api.spi;
