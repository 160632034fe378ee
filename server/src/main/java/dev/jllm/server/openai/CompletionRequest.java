package dev.jllm.server.openai;

import dev.jllm.api.openai.ChatCompletionRequest;

/**
 * A checked legacy {@code /v1/completions} request.
 *
 * @param model     the requested model, or null
 * @param prompt    the one prompt, as text
 * @param echo      whether the answer starts with the prompt
 * @param logprobs  how many alternatives per token to report (0-5), or null for no log probabilities
 * @param stream    whether to stream
 * @param includeUsage stream_options.include_usage
 * @param chat      the same request as a raw-prompt chat request (without a model yet)
 */
public record CompletionRequest(String model, String prompt, boolean echo, Integer logprobs, boolean stream,
                                boolean includeUsage, ChatCompletionRequest chat) { }
