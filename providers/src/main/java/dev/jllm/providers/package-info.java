/**
 * Main mode: {@link dev.jllm.providers.LlmServiceMain} (the in-process registry of instances and the persisted
 * current model) and {@link dev.jllm.providers.OpenAiCompatibleLlm}, the instance type for servers speaking the
 * OpenAI chat API (openai, ollama, lmstudio). Sub-packages: {@code sse} (the server-sent events reader) and
 * {@code http} (JDK HttpClient transport, error mapping, idle watchdog). Depends on the api module only, so the
 * proxy client can use it without the engine.
 */
package dev.jllm.providers;
