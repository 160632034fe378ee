package dev.jllm.runtime.sampling;

import java.util.ArrayList;
import java.util.List;

/**
 * The log-probabilities OpenAI's {@code logprobs} / {@code top_logprobs} report: log-softmax of the raw
 * logits (before bias, penalties, truncation or temperature), for the chosen token and the most likely
 * alternatives.
 *
 * @param chosen the token that was emitted
 * @param top the {@code topN} most likely tokens, most likely first (the lower id first on a tie)
 */
public record Logprobs(TokenLogprob chosen, List<TokenLogprob> top) {

  public Logprobs {
    top = List.copyOf(top);
  }

  /**
   * Computes the log-probabilities from one step's logits. NaN logits count as -infinity.
   *
   * @param logits the raw logits, not modified
   * @param chosen the emitted token
   * @param topN how many alternatives to report (OpenAI allows up to 20); 0 for none
   */
  public static Logprobs of(float[] logits, int chosen, int topN) {
    if (chosen < 0 || chosen >= logits.length) {
      throw new IllegalArgumentException("token " + chosen + " is outside the " + logits.length + " logits");
    }
    if (topN < 0) {
      throw new IllegalArgumentException("topN must be >= 0, got " + topN);
    }
    float max = Float.NEGATIVE_INFINITY;
    for (float l : logits) {
      if (l > max) {
        max = l;
      }
    }
    if (max == Float.NEGATIVE_INFINITY) {
      throw new IllegalArgumentException("no token has a finite logit");
    }
    double sum = 0;
    for (float l : logits) {
      if (!Float.isNaN(l)) {
        sum += Math.exp(l - max);
      }
    }
    double logTotal = max + Math.log(sum);
    List<TokenLogprob> top = new ArrayList<>(Math.min(topN, logits.length));
    if (topN > 0) {
      float[] scores = logits;
      if (hasNaN(logits)) {
        scores = logits.clone();
        for (int i = 0; i < scores.length; i++) {
          if (Float.isNaN(scores[i])) {
            scores[i] = Float.NEGATIVE_INFINITY;
          }
        }
      }
      int[] best = new int[Math.min(topN, logits.length)];
      int n = TopSelection.select(scores, null, logits.length, topN, best);
      for (int i = 0; i < n; i++) {
        top.add(new TokenLogprob(best[i], scores[best[i]] - logTotal));
      }
    }
    float chosenLogit = Float.isNaN(logits[chosen]) ? Float.NEGATIVE_INFINITY : logits[chosen];
    return new Logprobs(new TokenLogprob(chosen, chosenLogit - logTotal), top);
  }

  private static boolean hasNaN(float[] values) {
    for (float v : values) {
      if (Float.isNaN(v)) {
        return true;
      }
    }
    return false;
  }
}
