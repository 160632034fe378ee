package dev.jllm.api.openai;

import java.util.List;

/** One alternative token with its log probability; {@code bytes} are the token's UTF-8 bytes. */
public record TopLogprob(String token, double logprob, List<Integer> bytes) { }
