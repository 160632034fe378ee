package dev.jllm.runtime.engine;

import dev.jllm.runtime.sampling.SamplingParams;

/**
 * How to continue a prompt.
 *
 * @param maxTokens   the most tokens to generate; 0 or less means until the context is full
 * @param sampling    how to pick tokens (stop strings included)
 * @param topLogprobs -1 for no log-probabilities, else how many alternatives to report with each token
 */
public record GenerationOptions(int maxTokens, SamplingParams sampling, int topLogprobs) {

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
