/**
 * How instance types are plugged in: a {@link dev.jllm.api.spi.LlmProviderFactory} per type, listed in
 * {@code META-INF/services/dev.jllm.api.spi.LlmProviderFactory}, looked up through
 * {@link dev.jllm.api.spi.Providers}. The providers module registers openai, ollama and lmstudio; the runtime
 * registers local.
 */
package dev.jllm.api.spi;
