/**
 * The OpenAI chat API on the wire, as records: {@link dev.jllm.api.openai.ChatCompletionRequest},
 * {@link dev.jllm.api.openai.ChatCompletion}, {@link dev.jllm.api.openai.ChatCompletionChunk},
 * {@link dev.jllm.api.openai.Usage}, {@link dev.jllm.api.openai.ModelList},
 * {@link dev.jllm.api.openai.ErrorResponse}. Field names on the wire are OpenAI's (snake_case, via
 * {@code @JsonbProperty}); null means absent and is not written. Read and write them with
 * {@link dev.jllm.api.json.Json}.
 */
package dev.jllm.api.openai;
