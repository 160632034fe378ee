/**
 * The jllm service interface, shared by every module.
 *
 * <ul>
 *   <li>{@link dev.jllm.api.LlmService}: named instances plus a current model; {@link dev.jllm.api.Llm}: one
 *       instance. Implemented in-process by {@code dev.jllm.providers.LlmServiceMain} and remotely by the proxy
 *       client.</li>
 *   <li>Instance configs: the sealed {@link dev.jllm.api.LlmConfig} ({@link dev.jllm.api.OpenAiConfig},
 *       {@link dev.jllm.api.OllamaConfig}, {@link dev.jllm.api.LmStudioConfig}, {@link dev.jllm.api.LocalConfig});
 *       {@link dev.jllm.api.LlmConfig#fromMap} reads them from string options.</li>
 *   <li>Streaming: {@link dev.jllm.api.ChatCompletionStream} (reader side, close = cancel) and
 *       {@link dev.jllm.api.QueuedChatCompletionStream} (a bounded buffer a producer thread feeds);
 *       {@link dev.jllm.api.ChatCompletionAccumulator} folds chunks into a whole completion.</li>
 *   <li>Errors: {@link dev.jllm.api.LlmException} and its {@link dev.jllm.api.LlmException.Kind}, which maps to
 *       HTTP statuses and OpenAI error types.</li>
 *   <li>Sub-packages: {@code openai} (wire records), {@code json} (the one JSON mapper), {@code spi} (how instance
 *       types are plugged in).</li>
 * </ul>
 */
package dev.jllm.api;
