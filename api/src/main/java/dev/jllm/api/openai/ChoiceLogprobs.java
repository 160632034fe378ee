package dev.jllm.api.openai;

import java.util.List;

/** A choice's {@code logprobs}: per content token, and per refusal token. */
public record ChoiceLogprobs(List<TokenLogprob> content, List<TokenLogprob> refusal) { }
