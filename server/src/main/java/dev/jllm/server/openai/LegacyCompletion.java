package dev.jllm.server.openai;

import dev.jllm.api.openai.CompletionRequest;

/**
 * A checked legacy {@code /v1/completions} request: what the instance is asked ({@code request}) and what the
 * server itself does with the answer (echo the prompt, report usage, log probabilities as text offsets).
 *
 * @param model     the requested model, or null
 * @param prompt    the one prompt, as text
 * @param echo      whether the answer starts with the prompt
 * @param logprobs  how many alternatives per token to report (0-5), or null for no log probabilities
 * @param stream    whether to stream
 * @param includeUsage stream_options.include_usage
 * @param request   the raw completion the instance runs (without a routed model yet)
 */
public record LegacyCompletion(String model, String prompt, boolean echo, Integer logprobs, boolean stream,
                               boolean includeUsage, CompletionRequest request) { }
