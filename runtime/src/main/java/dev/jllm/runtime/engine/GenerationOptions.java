package dev.jllm.runtime.engine;

import dev.jllm.runtime.sampling.SamplingParams;
import dev.jllm.runtime.sampling.grammar.Grammar;

/**
 * How to continue a prompt.
 *
 * @param maxTokens   the most tokens to generate; 0 or less means until the context is full
 * @param sampling    how to pick tokens (stop strings included)
 * @param topLogprobs -1 for no log-probabilities, else how many alternatives to report with each token
 * @param grammar     constrained decoding: the output is a sentence of this grammar; null: free text
 */
public record GenerationOptions(int maxTokens, SamplingParams sampling, int topLogprobs, Grammar grammar) {

    public GenerationOptions(int maxTokens, SamplingParams sampling, int topLogprobs) {
        this(maxTokens, sampling, topLogprobs, null);
    }

    /** A copy constrained to {@code value} (null: unconstrained). */
    public GenerationOptions withGrammar(Grammar value) {
        return new GenerationOptions(maxTokens, sampling, topLogprobs, value);
    }

    public GenerationOptions {
        if (sampling == null) {
            throw new IllegalArgumentException("sampling is required");
        }
        if (topLogprobs < -1 || topLogprobs > 20) {
            throw new IllegalArgumentException("top_logprobs must be between 0 and 20, got " + topLogprobs);
        }
    }

    public static GenerationOptions greedy(int maxTokens) {
        return new GenerationOptions(maxTokens, SamplingParams.greedy(), -1);
    }
}
