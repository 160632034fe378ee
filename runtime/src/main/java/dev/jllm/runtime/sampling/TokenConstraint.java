package dev.jllm.runtime.sampling;

/**
 * Restricts which tokens may come next (a grammar): the {@link Sampler} masks every other token before any
 * other stage, so greedy and sampled decoding both stay inside it. Advanced by its owner with each token the
 * sequence keeps.
 */
public interface TokenConstraint {

    /**
     * Sets {@code allowed} (one bit per token id, {@code allowed[id >>> 6] >>> (id & 63) & 1}) to the tokens
     * that may come next. Every word is written.
     */
    void allowedTokens(long[] allowed);
}
