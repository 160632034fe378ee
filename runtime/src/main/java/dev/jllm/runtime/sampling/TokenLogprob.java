package dev.jllm.runtime.sampling;

/** A token and its log-probability (natural log) under the model's raw distribution. */
public record TokenLogprob(int token, double logprob) {}
