package dev.jllm.runtime.scheduler;

import java.util.Set;

import dev.jllm.runtime.sampling.SamplingParams;
import dev.jllm.runtime.sampling.grammar.Grammar;

/**
 * What to generate: a continuation of {@code prompt}.
 *
 * @param prompt      the tokens to continue (not copied: do not change them afterwards)
 * @param sampling    how to pick tokens (stop strings included)
 * @param maxTokens   the most tokens to generate; 0 or less means until the context is full
 * @param topLogprobs -1 for no log-probabilities, else how many alternatives to report with each token
 * @param grammar     the output must be a sentence of this grammar (constrained decoding); null: free text
 * @param preservedTokens special tokens whose text is part of the output (tool-call markers), not dropped
 */
public record SequenceRequest(int[] prompt, SamplingParams sampling, int maxTokens, int topLogprobs, Grammar grammar,
                              Set<Integer> preservedTokens) {

    public SequenceRequest(int[] prompt, SamplingParams sampling, int maxTokens, int topLogprobs) {
        this(prompt, sampling, maxTokens, topLogprobs, null, Set.of());
    }

    public SequenceRequest(int[] prompt, SamplingParams sampling, int maxTokens, int topLogprobs, Grammar grammar) {
        this(prompt, sampling, maxTokens, topLogprobs, grammar, Set.of());
    }

    public SequenceRequest(int[] prompt, SamplingParams sampling, int maxTokens, int topLogprobs,
                           Set<Integer> preservedTokens) {
        this(prompt, sampling, maxTokens, topLogprobs, null, preservedTokens);
    }

    public SequenceRequest {
        if (prompt == null) {
            throw new IllegalArgumentException("prompt is required");
        }
        if (sampling == null) {
            throw new IllegalArgumentException("sampling is required");
        }
        preservedTokens = preservedTokens == null ? Set.of() : Set.copyOf(preservedTokens);
        if (topLogprobs < -1 || topLogprobs > 20) {
            throw new IllegalArgumentException("top_logprobs must be between 0 and 20, got " + topLogprobs);
        }
    }
}
