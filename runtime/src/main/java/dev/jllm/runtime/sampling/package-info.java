/**
 * Choosing tokens and ending the output.
 *
 * <p>{@link dev.jllm.runtime.sampling.Sampler} picks each next token from the logits following {@link
 * dev.jllm.runtime.sampling.SamplingParams} (llama.cpp's chain and defaults: logit bias, repetition /
 * presence / frequency penalties, top-k, top-p, min-p, temperature, seeded draw; greedy at temperature
 * 0). {@link dev.jllm.api.text.StopMatcher} (shared with the other engines) turns decoded token text into the text safe to stream,
 * ending at stop strings (never emitted, even when split across tokens) and end-of-generation tokens.
 * {@link dev.jllm.runtime.sampling.Logprobs} gives OpenAI-style log-probabilities of the raw logits. A
 * {@link dev.jllm.runtime.sampling.TokenConstraint} (a grammar, package {@code grammar}) masks the tokens it
 * forbids before every other stage.
 */
package dev.jllm.runtime.sampling;
