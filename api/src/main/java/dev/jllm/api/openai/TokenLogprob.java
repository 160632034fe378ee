package dev.jllm.api.openai;

import jakarta.json.bind.annotation.JsonbProperty;

import java.util.List;

/** The log probability of one output token, with the most likely alternatives when top_logprobs was asked for. */
public record TokenLogprob(String token, double logprob, List<Integer> bytes,
                           @JsonbProperty("top_logprobs") List<TopLogprob> topLogprobs) { }
